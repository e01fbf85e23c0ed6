package dev.consentgate.ingest;

import java.util.function.Function;

/**
 * What a reader makes of one input record: a consent change, a CRM event, or a record for the dead-letter topic.
 * Sealed, and taken apart only by {@link #match}: a new kind of output does not compile until every place that
 * routes reader output handles it.
 */
public sealed interface ReaderOutput permits DeciderInput, Rejected {

    /** The result of the one function that takes this output's kind. */
    <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event, Function<Rejected, R> rejected);
}
