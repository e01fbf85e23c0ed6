package dev.consentgate.enforce;

/**
 * The decision's time of each event: the time its consent is judged at besides the event's own, recorded in
 * its audit record as {@code decidedAt}. A service decides at the task's time ({@link #TASK_TIME}); an
 * auditor's replay decides each event at the time its audit record names, so it judges the consent the task
 * judged. It is chosen in code where the topology is built, never read from a record, so no producer can set it.
 */
@FunctionalInterface
public interface DecisionClock {

    /** Decides at the task's time. */
    DecisionClock TASK_TIME = taskTime -> taskTime;

    /**
     * @param taskTime the task's time as it decides: the latest of its stream time, the event's time and the capture
     *                 time of the consent records it has read, so that every consent update read is covered
     * @return the decision's time, epoch millis
     */
    long decidedAt(long taskTime);
}
