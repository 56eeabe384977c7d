package dev.storyreel.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.OutputLocation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A job's output stored in S3 is given as a presigned URL the caller can GET, and no path. */
@Timeout(60)
class S3OutputLocationTest {
  @Test
  void anS3OutputHasAWorkingPresignedUrlAndNoLocalPath() throws Exception {
    try (S3Storage s3 = S3ProxyServer.storage("outputs-location").prefix("jobs/a").build()) {
      byte[] data = "a video".getBytes(StandardCharsets.UTF_8);
      AssetRef ref = s3.put("video.mp4", data, "video/mp4");

      OutputLocation o = OutputLocation.of(s3, ref);

      assertThat(o.key()).isEqualTo("video.mp4");
      assertThat(o.uri()).isEqualTo(URI.create("s3://outputs-location/jobs/a/video.mp4"));
      assertThat(o.path()).isEmpty();
      assertThat(o.presignedUrl()).isPresent();
      URI url = o.presignedUrl().get();
      assertThat(url.getQuery()).contains("X-Amz-Signature=");
      HttpResponse<byte[]> got = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(data);
    }
  }
}
