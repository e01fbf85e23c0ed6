package dev.consentgate.tools;

import java.util.List;

/**
 * An append-only place outside the Kafka cluster for anchors (docs/audit.md#anchors): a directory here; an object store
 * bucket with a retention lock, or an RFC 3161 timestamp service's receipts, fit the same two operations. An anchor is
 * only ever added, never replaced or removed.
 */
interface AnchorStore {

    /** An anchor as stored, with the name messages give it. */
    record Stored(String name, byte[] content) {
    }

    /** Adds an anchor after every other; returns its name. Fails rather than replace an anchor. */
    String append(byte[] anchor);

    /** Every anchor, oldest first. */
    List<Stored> readAll();

    /** Where the store is, for messages. */
    String describe();
}
