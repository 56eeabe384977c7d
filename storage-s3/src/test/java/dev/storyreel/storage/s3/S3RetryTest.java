package dev.storyreel.storage.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.storyreel.core.AssetRef;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.RetriableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Throttling and server errors, which s3proxy cannot produce: a WireMock server stands in for the
 * S3 endpoint. They are retried (by the SDK's standard retry mode) and, when they persist, end in
 * a {@link RetriableException} naming the bucket, so the job's task graph may try again later.
 * Also the server-side encryption headers, which s3proxy ignores.
 */
class S3RetryTest {
  private static final String BUCKET = "throttled";
  private static final String OBJECT = "/" + BUCKET + "/jobs/assets/a.png";

  private WireMockServer wm;
  private S3Storage s3;

  @BeforeEach
  void start() {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    s3 = S3Storage.builder().bucket(BUCKET).prefix("jobs").region("us-east-1")
        .endpointOverride(URI.create(wm.baseUrl())).pathStyle(true)
        .credentialsProvider(S3ProxyServer.credentials()).build();
  }

  @AfterEach
  void stop() {
    s3.close();
    wm.stop();
  }

  private static String error(String code) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
        + "</Code><Message>try later</Message><RequestId>1</RequestId></Error>";
  }

  @ParameterizedTest
  @CsvSource({"503, SlowDown", "500, InternalError", "429, TooManyRequests"})
  void persistentThrottlingOrServerErrorIsRetriedThenRetriable(int status, String code) {
    wm.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/xml").withBody(error(code))));

    assertThatThrownBy(() -> s3.put("assets/a.png", new byte[] {1, 2, 3}, "image/png"))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("bucket '" + BUCKET + "'")
        .hasMessageContaining(String.valueOf(status))
        .isInstanceOfSatisfying(RetriableException.class, e -> {
          assertThat(e.provider()).contains("s3");
          assertThat(e.httpStatus()).hasValue(status);
          // throttling (429, SlowDown) is a rate limit; a plain 500 is not
          assertThat(e instanceof RateLimitException).isEqualTo(status != 500);
        });
    // The SDK's standard mode: the first attempt and two retries.
    wm.verify(3, putRequestedFor(urlPathEqualTo(OBJECT)));
  }

  @Test
  void aSlowDownFollowedBySuccessStoresTheObject() {
    wm.stubFor(put(anyUrl()).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/xml")
            .withBody(error("SlowDown")))
        .willSetStateTo("ok"));
    wm.stubFor(put(anyUrl()).inScenario("slow").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"abc\"")));

    byte[] bytes = "picture".getBytes(StandardCharsets.UTF_8);
    AssetRef ref = s3.put("assets/a.png", bytes, "image/png");

    assertThat(ref.sizeBytes()).isEqualTo(bytes.length);
    wm.verify(2, putRequestedFor(urlPathEqualTo(OBJECT)));
  }

  @Test
  void serverSideEncryptionIsAskedForOnUpload() {
    wm.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("ETag", "\"e\"")));
    try (S3Storage kms = s3.toBuilder()
        .serverSideEncryption(ServerSideEncryption.AWS_KMS).kmsKeyId("alias/storyreel").build()) {
      kms.put("assets/a.png", new byte[] {1}, "image/png");
    }
    wm.verify(putRequestedFor(urlPathEqualTo(OBJECT))
        .withHeader("x-amz-server-side-encryption", equalTo("aws:kms"))
        .withHeader("x-amz-server-side-encryption-aws-kms-key-id", equalTo("alias/storyreel"))
        .withHeader("Content-Type", equalTo("image/png")));
  }
}
