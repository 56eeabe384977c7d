package dev.storyreel.storage.s3;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.NotFoundException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StorageKeys;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyPartResult;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link Storage} in an S3 bucket (or an S3-compatible store) on the AWS SDK for Java v2.
 *
 * <pre>{@code
 * try (S3Storage s3 = S3Storage.builder().bucket("my-videos").prefix("stories/ferry")
 *     .region("eu-west-1").build()) {
 *   JobResult r = reel.render(story, s3);
 *   URI url = s3.presign("video.mp4");   // an https GET URL valid for presignExpiry()
 * }
 * }</pre>
 *
 * <p>Storage key {@code k} is the object {@code <prefix>/k} in the bucket. Keys are checked with
 * {@link StorageKeys#validate}. Writes are atomic per object: a single PUT up to {@link
 * Builder#multipartThresholdBytes(long)} bytes, a multipart upload above it, which is invisible
 * until it is completed and aborted if any part fails. Every upload carries an S3 checksum
 * ({@link Builder#checksumAlgorithm}, SHA-256 by default) that the server verifies, and the
 * object's own SHA-256 as user metadata ({@code x-amz-meta-storyreel-sha256}); {@link #open} and
 * {@link #read} check it while reading and throw {@link NonRetriableException} naming the key on
 * a mismatch. {@link #copy} is a server-side copy inside the bucket that keeps that metadata, so
 * publishing a cached blob as an output never downloads or uploads its content.
 *
 * <p>{@link #locate(String)} returns {@code s3://bucket/prefix/key}, as {@link Storage} says;
 * {@link #presign(String)} gives an https URL anyone can GET until it expires.
 *
 * <p>Errors: a missing bucket, rejected credentials and denied requests end in a {@link
 * NonRetriableException} (an {@link InvalidInputException} from {@link #preflight()}) naming the
 * bucket and what to check; throttling (429, 503 SlowDown), other 5xx and I/O failures are
 * retried by the SDK's standard retry mode and then end in a {@link RetriableException}.
 * Credentials never appear in messages or logs.
 *
 * <p>Thread-safe: one client serves every thread. Close it to release the HTTP client.
 */
public final class S3Storage implements Storage, AutoCloseable {
  /** The user-metadata name holding the object's SHA-256 (hex), sent as {@code x-amz-meta-*}. */
  public static final String SHA256_METADATA = "storyreel-sha256";
  /** S3's smallest part size (except the last part), in bytes: 5 MiB. */
  public static final long MIN_PART_SIZE_BYTES = 5L * 1024 * 1024;
  /** S3's largest object one {@code CopyObject} request may copy, in bytes: 5 GiB. */
  static final long MAX_COPY_OBJECT_BYTES = 5L * 1024 * 1024 * 1024;
  /** The part size of a multipart copy, in bytes: 512 MiB (a copied part holds no memory). */
  static final long COPY_PART_SIZE_BYTES = 512L * 1024 * 1024;

  /** The provider name S3 failures carry ({@link StoryReelException#provider()}). */
  private static final String PROVIDER = "s3";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

  private final String bucket;
  private final String prefix;
  private final Region region;
  private final URI endpoint;
  private final boolean pathStyle;
  private final AwsCredentialsProvider credentials;
  private final long multipartThresholdBytes;
  private final long partSizeBytes;
  private final ChecksumAlgorithm checksumAlgorithm;
  private final ServerSideEncryption sse;
  private final String kmsKeyId;
  private final Duration presignExpiry;
  private final long maxSingleCopyBytes;
  private final long copyPartSizeBytes;
  private final List<ExecutionInterceptor> interceptors;
  private final S3Client s3;
  private final S3Presigner presigner;

  private S3Storage(Builder b) {
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.region = b.region != null ? Region.of(b.region) : defaultRegion();
    this.endpoint = b.endpoint;
    this.pathStyle = b.pathStyle;
    this.credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
    this.multipartThresholdBytes = b.multipartThresholdBytes;
    this.partSizeBytes = b.partSizeBytes;
    this.checksumAlgorithm = b.checksumAlgorithm;
    this.sse = b.sse;
    this.kmsKeyId = b.kmsKeyId;
    this.presignExpiry = b.presignExpiry;
    this.maxSingleCopyBytes = b.maxSingleCopyBytes;
    this.copyPartSizeBytes = b.copyPartSizeBytes;
    this.interceptors = List.copyOf(b.interceptors);
    S3Configuration conf = S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build();
    var cb = S3Client.builder()
        .region(region)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .serviceConfiguration(conf)
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
            .executionInterceptors(interceptors));
    var pb = S3Presigner.builder().region(region).credentialsProvider(credentials)
        .serviceConfiguration(conf);
    if (endpoint != null) {
      cb.endpointOverride(endpoint);
      pb.endpointOverride(endpoint);
    }
    this.s3 = cb.build();
    this.presigner = pb.build();
  }

  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  /** @return a builder; {@link Builder#bucket(String)} is required */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this storage's settings */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bucket = bucket;
    b.prefix = prefix;
    b.region = region.id();
    b.endpoint = endpoint;
    b.pathStyle = pathStyle;
    b.credentials = credentials;
    b.multipartThresholdBytes = multipartThresholdBytes;
    b.partSizeBytes = partSizeBytes;
    b.checksumAlgorithm = checksumAlgorithm;
    b.sse = sse;
    b.kmsKeyId = kmsKeyId;
    b.presignExpiry = presignExpiry;
    b.maxSingleCopyBytes = maxSingleCopyBytes;
    b.copyPartSizeBytes = copyPartSizeBytes;
    b.interceptors.addAll(interceptors);
    return b;
  }

  /** @return the bucket */
  public String bucket() {
    return bucket;
  }

  /** @return the key prefix, without leading or trailing {@code /}; empty for none */
  public String prefix() {
    return prefix;
  }

  /** @return the region requests are signed for */
  public String region() {
    return region.id();
  }

  /** @return the default lifetime of {@link #presign(String)} URLs */
  public Duration presignExpiry() {
    return presignExpiry;
  }

  /**
   * @param key a storage key
   * @return the S3 object key it maps to: {@code prefix/key}
   * @throws InvalidInputException if the key is not acceptable
   */
  public String objectKey(String key) {
    StorageKeys.validate(key);
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  @Override
  public void preflight() {
    try {
      s3.headBucket(r -> r.bucket(bucket));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new InvalidInputException(missingBucket(), e);
      }
      if (e.statusCode() == 403 || e.statusCode() == 400) {
        throw new InvalidInputException(denied("checking the bucket", e), e);
      }
      if (e.statusCode() == 301) {
        throw new InvalidInputException("S3 bucket '" + bucket + "' is not in region "
            + region.id() + ". Set the bucket's region (CLI: --s3-region).", e);
      }
      throw new InvalidInputException(
          "S3 bucket '" + bucket + "' cannot be checked: HTTP " + e.statusCode() + " "
              + code(e) + where() + ".", e);
    } catch (SdkClientException e) {
      throw new InvalidInputException("S3 bucket '" + bucket + "' cannot be reached" + where()
          + ": " + e.getMessage() + ". Check the endpoint (CLI: --s3-endpoint) and the network.", e);
    }
  }

  @Override
  public AssetRef put(String key, byte[] bytes, String mediaType) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    String ok = objectKey(key);
    String sha = sha256(bytes);
    if (bytes.length > multipartThresholdBytes) {
      multipart(key, ok, mediaType, sha, bytes.length, (offset, buf, len) ->
          System.arraycopy(bytes, (int) offset, buf, 0, len));
    } else {
      call("put", key, () -> s3.putObject(r -> r.bucket(bucket).key(ok).contentType(mediaType)
          .contentLength((long) bytes.length).checksumAlgorithm(checksumAlgorithm)
          .metadata(Map.of(SHA256_METADATA, sha)).serverSideEncryption(sse)
          .ssekmsKeyId(kmsKeyId), RequestBody.fromBytes(bytes)));
    }
    return new AssetRef(key, mediaType, bytes.length, sha);
  }

  @Override
  public AssetRef put(String key, Path file, String mediaType) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(mediaType, "mediaType");
    String ok = objectKey(key);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      String sha = sha256(file);
      if (size > multipartThresholdBytes) {
        multipart(key, ok, mediaType, sha, size, (offset, buf, len) -> {
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
          long pos = offset;
          while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
              throw new IOException(file + " shrank while being uploaded");
            }
            pos += n;
          }
        });
      } else {
        call("put", key, () -> s3.putObject(r -> r.bucket(bucket).key(ok).contentType(mediaType)
            .contentLength(size).checksumAlgorithm(checksumAlgorithm)
            .metadata(Map.of(SHA256_METADATA, sha)).serverSideEncryption(sse)
            .ssekmsKeyId(kmsKeyId), RequestBody.fromFile(file)));
      }
      return new AssetRef(key, mediaType, size, sha);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " to upload it as " + key, e);
    }
  }

  private interface PartSource {
    void read(long offset, byte[] buf, int len) throws IOException;
  }

  /** Sends the parts of a started multipart upload and returns them in order. */
  private interface Parts {
    List<CompletedPart> send(String uploadId) throws IOException;
  }

  private void multipart(String key, String ok, String mediaType, String sha, long size,
      PartSource source) throws UncheckedIOException {
    multipart(key, ok, mediaType, Map.of(SHA256_METADATA, sha), uploadId -> {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buf = new byte[(int) Math.min(partSizeBytes, size)];
      int number = 1;
      for (long offset = 0; offset < size; offset += partSizeBytes, number++) {
        int len = (int) Math.min(partSizeBytes, size - offset);
        source.read(offset, buf, len);
        int n = number;
        byte[] part = len == buf.length ? buf : java.util.Arrays.copyOf(buf, len);
        UploadPartResponse resp = call("upload part " + n + " of", key, () -> s3.uploadPart(r -> r
            .bucket(bucket).key(ok).uploadId(uploadId).partNumber(n).contentLength((long) len)
            .checksumAlgorithm(checksumAlgorithm), RequestBody.fromBytes(part)));
        parts.add(CompletedPart.builder().partNumber(n).eTag(resp.eTag())
            .checksumSHA256(resp.checksumSHA256()).checksumCRC32C(resp.checksumCRC32C()).build());
        checkInterrupted(key);
      }
      return parts;
    });
  }

  /**
   * Starts a multipart upload of {@code ok} with the builder's checksum and encryption settings,
   * lets {@code parts} fill it, and completes it; aborts it if anything fails, so a failed
   * upload leaves nothing visible.
   */
  private void multipart(String key, String ok, String mediaType, Map<String, String> metadata,
      Parts parts) throws UncheckedIOException {
    String uploadId = call("start multipart upload of", key, () -> s3.createMultipartUpload(r -> r
        .bucket(bucket).key(ok).contentType(mediaType).checksumAlgorithm(checksumAlgorithm)
        .metadata(metadata).serverSideEncryption(sse).ssekmsKeyId(kmsKeyId)))
        .uploadId();
    boolean done = false;
    try {
      List<CompletedPart> sent = parts.send(uploadId);
      call("complete multipart upload of", key, () -> s3.completeMultipartUpload(r -> r
          .bucket(bucket).key(ok).uploadId(uploadId).multipartUpload(m -> m.parts(sent))));
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the content of " + key, e);
    } finally {
      if (!done) {
        try {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(ok).uploadId(uploadId));
        } catch (SdkException ignored) {
          // best effort; a bucket lifecycle rule should clean up stray uploads
        }
      }
    }
  }

  private static void checkInterrupted(String key) {
    if (Thread.currentThread().isInterrupted()) {
      throw new java.util.concurrent.CancellationException("interrupted during upload of " + key);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A server-side copy inside the bucket: the content never passes through this JVM. Both keys
   * go under {@link #prefix()} and are checked with {@link StorageKeys#validate}. The copy keeps
   * the source's content type and user metadata, so its {@code x-amz-meta-storyreel-sha256} is
   * the source's and {@link #open} checks it as for any other object; it is encrypted as {@link
   * Builder#serverSideEncryption} and {@link Builder#kmsKeyId} ask, as {@link #put} would, and
   * S3 computes the {@link Builder#checksumAlgorithm} checksum for it. Up to 5 GiB this is one
   * {@code CopyObject} request, which is atomic; above it (S3's limit for one copy) a multipart
   * upload filled with {@code UploadPartCopy} parts of up to 512 MiB each, pinned to the
   * source's ETag and invisible until completed, aborted if any part fails.
   *
   * <p>Copying a key onto itself stores nothing and only checks that the object exists.
   *
   * @param from what is stored, as {@link #put} or {@link #head} returned it; never {@code null}
   * @param to the new key; never {@code null}
   * @return {@code from}'s media type, size and SHA-256 under {@code to}
   * @throws InvalidInputException if either key is not acceptable
   * @throws NotFoundException (non-retriable) naming the key if nothing is stored under {@code
   *     from.key()}, or if the bucket does not exist
   * @throws RetriableException if S3 throttles or fails (5xx, I/O) after the SDK's retries
   * @throws NonRetriableException if S3 refuses the copy (credentials, policy)
   */
  @Override
  public AssetRef copy(AssetRef from, String to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    String src = objectKey(from.key());
    String dst = objectKey(to);
    AssetRef copied = new AssetRef(to, from.mediaType(), from.sizeBytes(), from.sha256());
    if (src.equals(dst)) {
      // S3 refuses to copy an object onto itself unchanged; there is nothing to do.
      if (head(from.key()).isEmpty()) {
        throw missingSource(from.key(), to, null);
      }
      return copied;
    }
    try {
      if (from.sizeBytes() > maxSingleCopyBytes) {
        multipartCopy(from, to, src, dst);
      } else {
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(src)
            .destinationBucket(bucket).destinationKey(dst)
            .metadataDirective(MetadataDirective.COPY)
            .checksumAlgorithm(checksumAlgorithm)
            .serverSideEncryption(sse).ssekmsKeyId(kmsKeyId));
      }
    } catch (NoSuchKeyException e) {
      throw missingSource(from.key(), to, e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
        throw missingSource(from.key(), to, e);
      }
      throw map("copy '" + from.key() + "' to", to, e);
    } catch (SdkException e) {
      throw map("copy '" + from.key() + "' to", to, e);
    }
    return copied;
  }

  private NotFoundException missingSource(String from, String to, S3Exception e) {
    return new NotFoundException("Nothing is stored under '" + from + "' in " + locate(from)
        + ", so it cannot be copied to '" + to + "'. It was deleted or never written; run the"
        + " job again to make it.", e, PROVIDER, 404);
  }

  /**
   * Copies an object too large for one {@code CopyObject} in {@code UploadPartCopy} parts. The
   * size, type and metadata come from a HEAD of the source (a multipart upload does not copy
   * them); every part is pinned to the source's ETag so a source replaced meanwhile fails the
   * copy instead of mixing two versions.
   */
  private void multipartCopy(AssetRef from, String to, String src, String dst) {
    HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(src));
    long size = h.contentLength();
    String etag = h.eTag();
    Map<String, String> metadata = new HashMap<>(h.metadata());
    metadata.putIfAbsent(SHA256_METADATA, from.sha256());
    String type = h.contentType() != null ? h.contentType() : from.mediaType();
    long partBytes = Math.max(copyPartSizeBytes, (size + 9_999) / 10_000);
    multipart(to, dst, type, metadata, uploadId -> {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long first = 0; first < size; first += partBytes, number++) {
        String range = "bytes=" + first + "-" + (Math.min(first + partBytes, size) - 1);
        int n = number;
        CopyPartResult part = s3.uploadPartCopy(r -> r.sourceBucket(bucket).sourceKey(src)
            .copySourceIfMatch(etag).copySourceRange(range)
            .destinationBucket(bucket).destinationKey(dst).uploadId(uploadId).partNumber(n))
            .copyPartResult();
        parts.add(CompletedPart.builder().partNumber(n).eTag(part.eTag())
            .checksumSHA256(part.checksumSHA256()).checksumCRC32C(part.checksumCRC32C()).build());
        checkInterrupted(to);
      }
      return parts;
    });
  }

  @Override
  public Optional<AssetRef> head(String key) {
    String ok = objectKey(key);
    HeadObjectResponse h;
    try {
      h = s3.headObject(r -> r.bucket(bucket).key(ok));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw map("look up", key, e);
    } catch (SdkException e) {
      throw map("look up", key, e);
    }
    String sha = h.metadata().get(SHA256_METADATA);
    if (sha == null || !HEX64.matcher(sha).matches()) {
      // Not written by StoryReel: hash it.
      try (InputStream in = open(key)) {
        MessageDigest md = digest();
        new DigestInputStream(in, md).transferTo(OutputStream.nullOutputStream());
        sha = HexFormat.of().formatHex(md.digest());
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + locate(key), e);
      }
    }
    String type = h.contentType() != null ? h.contentType() : "application/octet-stream";
    return Optional.of(new AssetRef(key, type, h.contentLength(), sha));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The stream checks the object's SHA-256 (from its {@code x-amz-meta-storyreel-sha256})
   * once it has been read to the end and then throws a {@link NonRetriableException} naming the
   * key if it does not match.
   */
  @Override
  public InputStream open(String key) {
    String ok = objectKey(key);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = s3.getObject(r -> r.bucket(bucket).key(ok).checksumMode(ChecksumMode.ENABLED));
    } catch (NoSuchKeyException e) {
      throw new NonRetriableException("Nothing is stored under '" + key + "' in " + locate(key), e);
    } catch (SdkException e) {
      throw map("read", key, e);
    }
    String expected = in.response().metadata().get(SHA256_METADATA);
    if (expected == null || !HEX64.matcher(expected).matches()) {
      return in;
    }
    return new Verifying(in, digest(), expected, locate(key));
  }

  /** Checks the SHA-256 of what was read at the end of the stream. */
  private static final class Verifying extends FilterInputStream {
    private final MessageDigest md;
    private final String expected;
    private final URI where;
    private boolean checked;

    Verifying(InputStream in, MessageDigest md, String expected, URI where) {
      super(new DigestInputStream(in, md));
      this.md = md;
      this.expected = expected;
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c < 0) {
        check();
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes must be hashed too.
      byte[] buf = new byte[8192];
      long left = n;
      while (left > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }

    private void check() {
      if (checked) {
        return;
      }
      checked = true;
      String got = HexFormat.of().formatHex(md.digest());
      if (!got.equals(expected)) {
        throw new NonRetriableException("S3 object " + where + " failed its checksum: its"
            + " SHA-256 is " + got + " but " + expected + " was stored with it. The object was"
            + " changed or corrupted after upload; delete it and run again.");
      }
    }
  }

  @Override
  public List<String> list(String keyPrefix) {
    Objects.requireNonNull(keyPrefix, "prefix");
    String base = prefix.isEmpty() ? "" : prefix + "/";
    String full = base + keyPrefix;
    List<String> out = new ArrayList<>();
    call("list", keyPrefix.isEmpty() ? "(all)" : keyPrefix, () -> {
      for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(full)).contents()) {
        out.add(o.key().substring(base.length()));
      }
      return null;
    });
    out.sort(null);
    return out;
  }

  @Override
  public void delete(String key) {
    String ok = objectKey(key);
    call("delete", key, () -> s3.deleteObject(r -> r.bucket(bucket).key(ok)));
  }

  /**
   * @param key a storage key
   * @return {@code s3://bucket/prefix/key}
   */
  @Override
  public URI locate(String key) {
    try {
      return new URI("s3", bucket, "/" + objectKey(key), null);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("Storage key '" + key + "' cannot be written as a URI", e);
    }
  }

  /**
   * A presigned https (or the endpoint's scheme) GET URL for a stored object, valid for {@link
   * #presignExpiry()}. Anyone holding the URL can download the object until then. Signing is
   * local: no request is made, and the object need not exist yet.
   *
   * @param key a storage key
   * @return the URL
   * @throws InvalidInputException if the key is not acceptable
   */
  public URI presign(String key) {
    return presign(key, presignExpiry);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Always present: {@link #presign(String)}, valid for {@link #presignExpiry()}.
   *
   * @throws InvalidInputException if the key is not acceptable
   */
  @Override
  public Optional<URI> presignedUrl(String key) {
    return Optional.of(presign(key));
  }

  /**
   * @param key a storage key
   * @param expiry how long the URL works, 1 second to 7 days (SigV4's limit)
   * @return a presigned GET URL
   * @throws IllegalArgumentException if the expiry is out of range
   * @throws InvalidInputException if the key is not acceptable
   */
  public URI presign(String key, Duration expiry) {
    checkExpiry(expiry);
    String ok = objectKey(key);
    try {
      return presigner.presignGetObject(p -> p.signatureDuration(expiry)
          .getObjectRequest(r -> r.bucket(bucket).key(ok))).url().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the SDK made an invalid URL", e);
    }
  }

  private static void checkExpiry(Duration expiry) {
    Objects.requireNonNull(expiry, "expiry");
    if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("presign expiry must be 1 s..7 days, was " + expiry);
    }
  }

  /** Closes the HTTP client and the presigner. */
  @Override
  public void close() {
    s3.close();
    presigner.close();
  }

  @Override
  public String toString() {
    return "S3Storage[s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + ", " + region.id()
        + (endpoint != null ? ", " + endpoint : "") + "]";
  }

  private <T> T call(String op, String key, Supplier<T> body) {
    try {
      return body.get();
    } catch (SdkException e) {
      throw map(op, key, e);
    }
  }

  private String where() {
    return " (region " + region.id() + (endpoint != null ? ", endpoint " + endpoint : "") + ")";
  }

  private String missingBucket() {
    return "S3 bucket '" + bucket + "' does not exist in region " + region.id()
        + (endpoint != null ? " at " + endpoint : "")
        + ". Create it, or check the bucket name and region (CLI: --storage, --s3-region).";
  }

  private String denied(String op, S3Exception e) {
    return "S3 denied " + op + " in bucket '" + bucket + "' (HTTP " + e.statusCode() + " "
        + code(e) + where() + "). Check the credentials (AWS_ACCESS_KEY_ID and"
        + " AWS_SECRET_ACCESS_KEY, or the AWS profile) and the bucket policy.";
  }

  private static String code(S3Exception e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
        ? e.awsErrorDetails().errorCode() : "";
  }

  /**
   * Maps an SDK failure to StoryReel's exceptions: a missing bucket is a {@link
   * NotFoundException}, refused credentials an {@link AuthenticationException}, throttling a
   * {@link RateLimitException}; each carries the provider {@code s3} and the HTTP status.
   *
   * @param op what was being done, for the message
   * @param key the storage key
   * @param e the SDK's exception
   * @return the exception to throw
   */
  StoryReelException map(String op, String key, SdkException e) {
    if (e instanceof S3Exception s) {
      String code = code(s);
      int status = s.statusCode();
      int httpStatus = status >= 100 && status <= 599 ? status : 0;
      if ("NoSuchBucket".equals(code)) {
        return new NotFoundException(missingBucket(), e, PROVIDER, httpStatus);
      }
      if (status == 403 || code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")
          || code.equals("AccessDenied") || code.equals("ExpiredToken")
          || code.equals("InvalidToken")) {
        return new AuthenticationException(denied(op + " '" + key + "'", s), e, PROVIDER,
            httpStatus);
      }
      if (status == 429 || code.equals("SlowDown") || code.equals("Throttling")) {
        return new RateLimitException("S3 could not " + op + " '" + key + "' in bucket '" + bucket
            + "' (HTTP " + status + " " + code + where() + "), after the SDK's retries.", e, null,
            PROVIDER, httpStatus);
      }
      if (status >= 500 || code.equals("RequestTimeout")) {
        return new RetriableException("S3 could not " + op + " '" + key + "' in bucket '" + bucket
            + "' (HTTP " + status + " " + code + where() + "), after the SDK's retries.", e, null,
            PROVIDER, httpStatus);
      }
      return new NonRetriableException("S3 refused to " + op + " '" + key + "' in bucket '"
          + bucket + "': HTTP " + status + " " + code + where() + ".", e, PROVIDER, httpStatus);
    }
    if (e instanceof SdkClientException && e.getCause() instanceof NonRetriableException n) {
      return n;
    }
    return new RetriableException("S3 request to " + op + " '" + key + "' in bucket '" + bucket
        + "' failed" + where() + ": " + e.getMessage(), e, null, PROVIDER, 0);
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Builds an {@link S3Storage}; not thread-safe. Every setter validates at once and names the
   * bad value.
   */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private String region;
    private URI endpoint;
    private boolean pathStyle;
    private AwsCredentialsProvider credentials;
    private long multipartThresholdBytes = 16L * 1024 * 1024;
    private long partSizeBytes = 8L * 1024 * 1024;
    private ChecksumAlgorithm checksumAlgorithm = ChecksumAlgorithm.SHA256;
    private ServerSideEncryption sse;
    private String kmsKeyId;
    private Duration presignExpiry = Duration.ofHours(24);
    private long maxSingleCopyBytes = MAX_COPY_OBJECT_BYTES;
    private long copyPartSizeBytes = COPY_PART_SIZE_BYTES;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /**
     * For tests: where {@link S3Storage#copy} switches from one {@code CopyObject} to a multipart
     * copy, and the multipart copy's part size, so that a small object exercises the multipart
     * path. Not public: S3's own limits (5 GiB, 512 MiB parts) are the only sensible values.
     */
    Builder copyLimits(long maxSingleCopyBytes, long copyPartSizeBytes) {
      if (maxSingleCopyBytes < 0 || maxSingleCopyBytes > MAX_COPY_OBJECT_BYTES) {
        throw new IllegalArgumentException("maxSingleCopyBytes must be 0..5 GiB, was "
            + maxSingleCopyBytes);
      }
      if (copyPartSizeBytes < MIN_PART_SIZE_BYTES || copyPartSizeBytes > MAX_COPY_OBJECT_BYTES) {
        throw new IllegalArgumentException("copyPartSizeBytes must be 5 MiB..5 GiB, was "
            + copyPartSizeBytes);
      }
      this.maxSingleCopyBytes = maxSingleCopyBytes;
      this.copyPartSizeBytes = copyPartSizeBytes;
      return this;
    }

    /** For tests: an SDK interceptor that sees every request, to count PUTs and copies. */
    Builder interceptor(ExecutionInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * @param bucket the bucket's name (3..63 lower-case letters, digits, dots, hyphens); required
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid bucket name
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!BUCKET.matcher(bucket).matches()) {
        throw new IllegalArgumentException("not a valid S3 bucket name: '" + bucket + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * @param prefix the key prefix every storage key goes under, for example {@code
     *     stories/ferry}; leading and trailing {@code /} are dropped; empty (the default) for the
     *     bucket's root
     * @return this builder
     * @throws InvalidInputException if it has {@code ..}, backslashes or control characters
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String p = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
      if (!p.isEmpty()) {
        StorageKeys.validate(p);
      }
      this.prefix = p;
      return this;
    }

    /**
     * @param region the AWS region, for example {@code eu-west-1}; default: the SDK's region
     *     chain ({@code AWS_REGION}, the profile), else {@code us-east-1}. S3-compatible stores
     *     usually accept any.
     * @return this builder
     */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * @param endpoint the endpoint of an S3-compatible store (MinIO, Cloudflare R2, ...), for
     *     example {@code http://127.0.0.1:9000}; {@code null} (default) for AWS
     * @return this builder
     */
    public Builder endpointOverride(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /**
     * @param pathStyle {@code true} for {@code https://host/bucket/key} URLs (MinIO and most
     *     self-hosted stores need it), {@code false} (default) for virtual-hosted style
     * @return this builder
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * @param credentials where credentials come from; default the SDK's default chain
     *     (environment, system properties, profile, container, instance)
     * @return this builder
     */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * @param bytes objects larger than this are sent as multipart uploads; default 16 MiB; at
     *     least 1
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder multipartThresholdBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("multipartThresholdBytes must be >= 1, was " + bytes);
      }
      this.multipartThresholdBytes = bytes;
      return this;
    }

    /**
     * @param bytes the size of each multipart part but the last; 5 MiB..512 MiB; default 8 MiB.
     *     One part is held in memory per upload.
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder partSizeBytes(long bytes) {
      if (bytes < MIN_PART_SIZE_BYTES || bytes > 512L * 1024 * 1024) {
        throw new IllegalArgumentException("partSizeBytes must be 5 MiB..512 MiB, was " + bytes);
      }
      this.partSizeBytes = bytes;
      return this;
    }

    /**
     * @param algorithm the checksum S3 verifies on upload: {@link ChecksumAlgorithm#SHA256}
     *     (default) or {@link ChecksumAlgorithm#CRC32_C}
     * @return this builder
     * @throws IllegalArgumentException for another algorithm
     */
    public Builder checksumAlgorithm(ChecksumAlgorithm algorithm) {
      Objects.requireNonNull(algorithm, "algorithm");
      if (algorithm != ChecksumAlgorithm.SHA256 && algorithm != ChecksumAlgorithm.CRC32_C) {
        throw new IllegalArgumentException("checksumAlgorithm must be SHA256 or CRC32C, was "
            + algorithm);
      }
      this.checksumAlgorithm = algorithm;
      return this;
    }

    /**
     * @param sse server-side encryption to ask for ({@code AES256}, {@code aws:kms}), or {@code
     *     null} (default) for the bucket's default
     * @return this builder
     */
    public Builder serverSideEncryption(ServerSideEncryption sse) {
      this.sse = sse;
      return this;
    }

    /**
     * @param kmsKeyId the KMS key for {@code aws:kms} encryption, or {@code null} for the AWS
     *     managed key
     * @return this builder
     */
    public Builder kmsKeyId(String kmsKeyId) {
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /**
     * @param expiry how long {@link S3Storage#presign(String)} URLs work; 1 s..7 days; default 24 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder presignExpiry(Duration expiry) {
      checkExpiry(expiry);
      this.presignExpiry = expiry;
      return this;
    }

    /**
     * Builds the client; makes no request (see {@link S3Storage#preflight()}).
     *
     * @return the storage
     * @throws IllegalStateException if no bucket was set
     */
    public S3Storage build() {
      if (bucket == null) {
        throw new IllegalStateException("S3Storage needs a bucket");
      }
      return new S3Storage(this);
    }
  }

  /**
   * Parses {@code s3://bucket/prefix} into a builder.
   *
   * @param uri the URI, for example {@code s3://my-videos/stories/ferry}
   * @return a builder with the bucket and prefix set
   * @throws InvalidInputException if it is not an {@code s3://} URI with a valid bucket
   */
  public static Builder fromUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith("s3://")) {
      throw new InvalidInputException("Not an S3 location: '" + StorageKeys.printable(uri)
          + "'. Write it as s3://bucket/prefix.");
    }
    String rest = uri.substring(5);
    int slash = rest.indexOf('/');
    String b = slash < 0 ? rest : rest.substring(0, slash);
    String p = slash < 0 ? "" : rest.substring(slash + 1);
    try {
      return builder().bucket(b).prefix(p);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Bad S3 location '" + StorageKeys.printable(uri) + "': "
          + e.getMessage() + ". Write it as s3://bucket/prefix.", e);
    }
  }
}
