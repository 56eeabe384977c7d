package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The jobs' outputs on S3 (s3proxy in-process on loopback, test credentials): a job completes
 * into {@code prefix/<id>/out}, its view gives presigned URLs that download the video, and the
 * server's own output route redirects to them.
 */
class S3OutputsTest {
  static final String ACCESS = "test-access-key";
  static final String SECRET = "test-secret-key";
  static S3Proxy proxy;
  static URI endpoint;
  @TempDir Path dir;

  @BeforeAll
  static void s3() throws Exception {
    proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    for (int i = 0; i < 1000 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(10);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    // The server takes the SDK's default credentials chain, as in production.
    System.setProperty("aws.accessKeyId", ACCESS);
    System.setProperty("aws.secretAccessKey", SECRET);
    try (S3Client c = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS, SECRET)))
        .forcePathStyle(true).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
      c.createBucket(r -> r.bucket("videos"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.stop();
  }

  @Test
  void outputsGoToS3AndAreServedAsPresignedUrls() throws Exception {
    try (TestServer s = new TestServer(dir, ReelFactory.standard(),
        b -> b.s3Storage("s3://videos/server", endpoint, "us-east-1", true))) {
      String id = TestServer.json(s.post("/jobs", TestServer.body("On S3"))).path("id").asText();
      JsonNode done = s.awaitState(id, "COMPLETED");
      assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
      String video = done.path("outputs").path("video.mp4").asText();
      assertThat(video).startsWith(endpoint + "/videos/server/" + id + "/out/video.mp4?")
          .contains("X-Amz-Signature=");
      HttpResponse<byte[]> mp4 = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(video)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(mp4.statusCode()).isEqualTo(200);
      assertThat(new String(mp4.body(), 4, 4)).isEqualTo("ftyp");
      HttpResponse<String> redirect = s.get("/jobs/" + id + "/outputs/video.mp4");
      assertThat(redirect.statusCode()).isEqualTo(302);
      assertThat(redirect.headers().firstValue("Location").orElseThrow())
          .startsWith(endpoint + "/videos/server/" + id + "/out/video.mp4?");
    }
  }
}
