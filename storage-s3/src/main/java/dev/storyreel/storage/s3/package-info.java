/**
 * Storage on Amazon S3 and S3-compatible stores. This module is a skeleton: the storage arrives with the issue that adds it.
 */
package dev.storyreel.storage.s3;
