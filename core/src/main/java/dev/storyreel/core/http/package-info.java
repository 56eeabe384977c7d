/**
 * The HTTP layer shared by StoryReel's HTTP providers: {@link dev.storyreel.core.http.HttpTransport}
 * (timeouts, User-Agent, bearer credential, JSON), {@link dev.storyreel.core.http.HttpFailures}
 * (the one mapping of failures onto retriable and non-retriable errors), {@link
 * dev.storyreel.core.http.Multipart} and {@link dev.storyreel.core.http.SafeDownload} (checked
 * downloads of generated files).
 */
@NullMarked
package dev.storyreel.core.http;

import org.jspecify.annotations.NullMarked;
