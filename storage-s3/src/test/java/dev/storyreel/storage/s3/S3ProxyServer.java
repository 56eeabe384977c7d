package dev.storyreel.storage.s3;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One in-memory s3proxy on 127.0.0.1 and a random port, shared by every test class of the module
 * (started on first use, stopped with the JVM). Static test credentials; never real ones.
 */
final class S3ProxyServer {
  static final String ACCESS_KEY = "test-access-key";
  static final String SECRET_KEY = "test-secret-key";
  private static URI endpoint;

  private S3ProxyServer() {}

  static synchronized URI endpoint() {
    if (endpoint == null) {
      try {
        S3Proxy proxy = S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
        proxy.start();
        for (int i = 0; i < 1000 && !"STARTED".equals(proxy.getState()); i++) {
          Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            proxy.stop();
          } catch (Exception ignored) {
            // the JVM is going away
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("s3proxy did not start", e);
      }
    }
    return endpoint;
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A raw client for setting up and tampering. */
  static S3Client client() {
    return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(credentials()).forcePathStyle(true)
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .build();
  }

  /** Creates a fresh bucket and returns storage on it. */
  static S3Storage.Builder storage(String bucket) {
    try (S3Client c = client()) {
      c.createBucket(r -> r.bucket(bucket));
    }
    return S3Storage.builder().bucket(bucket).region("us-east-1").endpointOverride(endpoint())
        .pathStyle(true).credentialsProvider(credentials());
  }
}
