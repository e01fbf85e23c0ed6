package dev.consentgate.topology;

import dev.consentgate.policy.ConsentState;

/** A readable consent event, with its raw bytes kept to copy it to its customer's partition should it arrive on another. */
record ConsentUpdate(String customerId, ConsentState state, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements DeciderInput {
}
