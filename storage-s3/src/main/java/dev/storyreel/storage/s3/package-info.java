/**
 * {@link dev.storyreel.core.spi.Storage} on Amazon S3 and S3-compatible stores (MinIO, Cloudflare
 * R2, ...) through the AWS SDK for Java v2: {@link dev.storyreel.storage.s3.S3Storage}, discovered
 * as {@code s3} by {@link dev.storyreel.storage.s3.S3StorageFactory}.
 */
@NullMarked
package dev.storyreel.storage.s3;

import org.jspecify.annotations.NullMarked;
