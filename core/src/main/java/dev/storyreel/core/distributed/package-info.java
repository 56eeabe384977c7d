/**
 * The seam for running one job's tasks on many machines: {@link
 * dev.storyreel.core.distributed.JobTasks} (from {@link
 * dev.storyreel.core.StoryReel#tasks(dev.storyreel.core.Story, dev.storyreel.core.spi.Storage)})
 * lists a job's production tasks and runs any one of them in this JVM, re-deriving what its
 * dependencies made from the job's storage. A workflow engine (module {@code
 * storyreel-distributed-temporal}) schedules the tasks; this package knows no engine.
 */
@NullMarked
package dev.storyreel.core.distributed;

import org.jspecify.annotations.NullMarked;
