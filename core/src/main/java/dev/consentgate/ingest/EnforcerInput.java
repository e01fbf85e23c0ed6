package dev.consentgate.ingest;

import java.util.function.Function;

/**
 * What reaches the enforcement processor: a consent change or a CRM event ({@link DeciderInput}), or a reviewer's
 * decision on a held record ({@link ReviewRequest}). Sealed, and taken apart only by {@link #route}.
 */
public sealed interface EnforcerInput permits DeciderInput, ReviewRequest {

    /** The result of the one function that takes this input's kind. */
    <R> R route(Function<DeciderInput, R> decider, Function<ReviewRequest, R> review);
}
