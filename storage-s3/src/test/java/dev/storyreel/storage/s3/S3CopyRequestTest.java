package dev.storyreel.storage.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.storyreel.core.AssetRef;
import dev.storyreel.core.RateLimitException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The requests {@link S3Storage#copy} sends, with WireMock standing in for the S3 endpoint
 * (s3proxy ignores encryption headers): a {@code CopyObject} (a PUT with {@code x-amz-copy-source}
 * and no body) carrying the builder's server-side encryption, never a GET and PUT of the content.
 */
class S3CopyRequestTest {
  private static final String BUCKET = "encrypted";
  private static final String SOURCE = "jobs/cache/video/k/video";
  private static final String TARGET = "/" + BUCKET + "/jobs/video.mp4";
  private static final AssetRef BLOB =
      new AssetRef("cache/video/k/video", "video/mp4", 12, "a".repeat(64));

  private WireMockServer wm;
  private S3Storage kms;

  @BeforeEach
  void start() {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    kms = S3Storage.builder().bucket(BUCKET).prefix("jobs").region("us-east-1")
        .endpointOverride(URI.create(wm.baseUrl())).pathStyle(true)
        .credentialsProvider(S3ProxyServer.credentials())
        .serverSideEncryption(ServerSideEncryption.AWS_KMS).kmsKeyId("alias/storyreel").build();
  }

  @AfterEach
  void stop() {
    kms.close();
    wm.stop();
  }

  private static String copySource(LoggedRequest r) {
    String h = r.getHeader("x-amz-copy-source");
    return h == null ? null : URLDecoder.decode(h, StandardCharsets.UTF_8).replaceFirst("^/", "");
  }

  private List<LoggedRequest> requests() {
    return wm.getAllServeEvents().stream().map(ServeEvent::getRequest).toList();
  }

  @Test
  void aCopyIsOneCopyObjectWithTheEncryptionHeadersAndNoBody() {
    wm.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/xml")
        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult>"
            + "<LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag>"
            + "</CopyObjectResult>")));

    AssetRef copied = kms.copy(BLOB, "video.mp4");

    assertThat(copied).isEqualTo(new AssetRef("video.mp4", "video/mp4", 12, "a".repeat(64)));
    wm.verify(putRequestedFor(urlPathEqualTo(TARGET))
        .withHeader("x-amz-server-side-encryption", equalTo("aws:kms"))
        .withHeader("x-amz-server-side-encryption-aws-kms-key-id", equalTo("alias/storyreel"))
        .withHeader("x-amz-metadata-directive", equalTo("COPY")));
    List<LoggedRequest> all = requests();
    assertThat(all).as("one request: no GET of the source, no upload").hasSize(1);
    LoggedRequest copy = all.get(0);
    assertThat(copy.getMethod().getName()).isEqualTo("PUT");
    assertThat(copySource(copy)).isEqualTo(BUCKET + "/" + SOURCE);
    assertThat(copy.getBody()).as("a copy uploads no content").isEmpty();
  }

  @Test
  void throttlingOnACopyIsARateLimit() {
    wm.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/xml")
        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
            + "<Message>try later</Message><RequestId>1</RequestId></Error>")));

    assertThatThrownBy(() -> kms.copy(BLOB, "video.mp4"))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.provider()).contains("s3");
          assertThat(e.httpStatus()).hasValue(503);
        })
        .hasMessageContaining("cache/video/k/video")
        .hasMessageContaining("video.mp4")
        .hasMessageContaining("bucket '" + BUCKET + "'");
    wm.verify(3, putRequestedFor(urlPathEqualTo(TARGET)));
  }

  @Test
  void aMultipartCopyAsksForEncryptionOnTheUploadAndCopiesEveryPartServerSide() {
    long size = (12L << 20) + 5;
    wm.stubFor(head(urlPathEqualTo("/" + BUCKET + "/" + SOURCE)).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Length", String.valueOf(size))
        .withHeader("Content-Type", "video/mp4").withHeader("ETag", "\"src\"")
        .withHeader("x-amz-meta-storyreel-sha256", "a".repeat(64))));
    wm.stubFor(post(urlPathEqualTo(TARGET)).withQueryParam("uploads", equalTo(""))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
            .withBody("<InitiateMultipartUploadResult><Bucket>" + BUCKET + "</Bucket>"
                + "<Key>jobs/video.mp4</Key><UploadId>u1</UploadId>"
                + "</InitiateMultipartUploadResult>")));
    wm.stubFor(put(urlPathEqualTo(TARGET)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/xml")
        .withBody("<CopyPartResult><ETag>\"p\"</ETag>"
            + "<LastModified>2025-01-01T00:00:00.000Z</LastModified></CopyPartResult>")));
    wm.stubFor(post(urlPathEqualTo(TARGET)).withQueryParam("uploadId", equalTo("u1"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
            .withBody("<CompleteMultipartUploadResult><Bucket>" + BUCKET + "</Bucket>"
                + "<Key>jobs/video.mp4</Key><ETag>\"x-3\"</ETag>"
                + "</CompleteMultipartUploadResult>")));

    try (S3Storage parts = kms.toBuilder().copyLimits(0, S3Storage.MIN_PART_SIZE_BYTES).build()) {
      parts.copy(new AssetRef(BLOB.key(), "video/mp4", size, BLOB.sha256()), "video.mp4");
    }

    wm.verify(postRequestedFor(urlPathEqualTo(TARGET)).withQueryParam("uploads", equalTo(""))
        .withHeader("x-amz-server-side-encryption", equalTo("aws:kms"))
        .withHeader("x-amz-server-side-encryption-aws-kms-key-id", equalTo("alias/storyreel"))
        .withHeader("x-amz-meta-storyreel-sha256", equalTo("a".repeat(64)))
        .withHeader("Content-Type", equalTo("video/mp4")));
    List<LoggedRequest> copies = requests().stream()
        .filter(r -> r.getMethod().getName().equals("PUT")).toList();
    assertThat(copies).hasSize(3).allSatisfy(r -> {
      assertThat(copySource(r)).isEqualTo(BUCKET + "/" + SOURCE);
      assertThat(r.getHeader("x-amz-copy-source-if-match")).isEqualTo("\"src\"");
      assertThat(r.getBody()).isEmpty();
    });
    assertThat(copies.stream().map(r -> r.getHeader("x-amz-copy-source-range")).sorted())
        .containsExactly("bytes=0-5242879", "bytes=10485760-12582916", "bytes=5242880-10485759");
    wm.verify(postRequestedFor(urlPathEqualTo(TARGET)).withQueryParam("uploadId", equalTo("u1")));
  }
}
