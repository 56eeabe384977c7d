/**
 * The StoryReel job server: {@link dev.storyreel.server.StoryReelServer} (an HTTP API on
 * Javalin over a JDBC job store), {@link dev.storyreel.server.ServerConfig}, {@link
 * dev.storyreel.server.JobRequest}, {@link dev.storyreel.server.ReelFactory} (how a job's
 * {@code StoryReel} is made), {@link dev.storyreel.server.WebhookSigner} and {@link
 * dev.storyreel.server.WebhookUrlPolicy}. Everything else is package-private.
 */
package dev.storyreel.server;
