package dev.consentgate.topology;

import dev.consentgate.policy.ConsentState;

/** A readable consent event, with its raw bytes kept for the dead-letter topic should the store refuse it. */
record ConsentUpdate(String customerId, ConsentState state, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements DeciderInput {
}
