/**
 * Replicate image provider (Flux predictions). This module is a skeleton: the provider arrives with the issue that adds it.
 */
package dev.storyreel.replicate;
