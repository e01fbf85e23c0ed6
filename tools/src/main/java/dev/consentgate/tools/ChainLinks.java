package dev.consentgate.tools;

import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.Checkpoint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The hash every chain record read carries, by audit partition and sequence: what signed and anchored heads are
 * compared with. Fed the chain records of the spans read, then asked about heads.
 */
final class ChainLinks {

    /** How a head compares with the chain read. */
    enum Outcome {
        /** The chain passes through the head. */
        MATCHES,
        /** The chain read does not pass through the head: it carries another hash at its sequence, or ends before it. */
        DIFFERS,
        /** The spans read leave the head's sequence out: nothing to compare. */
        NOT_READ
    }

    /** The outcome, and for {@link Outcome#DIFFERS} what differs. */
    record Comparison(Outcome outcome, String problem) {
    }

    /** Where a chain record stands and the hash it carries. */
    private record Link(long offset, byte[] hash) {
    }

    private final Map<Integer, Map<Long, Link>> chains = new HashMap<>();

    /** A partition read, records or none: a head of it with no record read at or after its sequence shows a chain cut short. */
    void partitionRead(int partition) {
        chains.computeIfAbsent(partition, p -> new HashMap<>());
    }

    void add(int partition, long offset, long sequence, byte[] value) {
        if (sequence >= 0 && ChainHash.isLinkable(value)) {
            chains.computeIfAbsent(partition, p -> new HashMap<>()).put(sequence, new Link(offset, ChainHash.storedHash(value)));
        }
    }

    /** Whether the chain read passes through the head {@code checkpoint} signs; {@code claimant} names it in the problem. */
    Comparison compare(Checkpoint checkpoint, String claimant) {
        Map<Long, Link> chain = chains.get(checkpoint.partition());
        if (chain == null) {
            // A partition not read (--partition): nothing to compare.
            return new Comparison(Outcome.NOT_READ, null);
        }
        Link link = chain.get(checkpoint.sequence());
        if (link == null) {
            long last = chain.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            if (last < checkpoint.sequence()) {
                return new Comparison(Outcome.DIFFERS, String.format("audit partition %d: the chain ends before sequence %d, which %s signs",
                        checkpoint.partition(), checkpoint.sequence(), claimant));
            }
            return new Comparison(Outcome.NOT_READ, null);
        }
        if (!Arrays.equals(link.hash(), checkpoint.headHash())) {
            return new Comparison(Outcome.DIFFERS, String.format("audit partition %d offset %d: sequence %d has hash %s, the signed %s says %s",
                    checkpoint.partition(), link.offset(), checkpoint.sequence(), ChainHash.hex(link.hash()), claimant,
                    ChainHash.hex(checkpoint.headHash())));
        }
        return new Comparison(Outcome.MATCHES, null);
    }
}
