package dev.consentgate.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the hash chain of one audit partition, fed its records in offset order. It keeps going after
 * a problem, re-anchoring on the record that showed it, so that a gap can later be told apart from a
 * record that was moved: a sequence missing at one place and found further on was reordered.
 */
public final class ChainVerifier {

    /** What is wrong with the chain at one record. */
    public enum Kind {
        /** The record's content does not match its hash, or its hash was recomputed and the next record no longer names it. */
        ALTERED,
        /** Sequence numbers are skipped: records were deleted. */
        MISSING,
        /** A record stands where another sequence was expected, and that sequence turns up elsewhere. */
        REORDERED,
        /** A sequence number comes again: a second chain was written over the same partition. */
        REPEATED,
        /** The partition's first record does not start a chain. */
        NO_START,
        /** Not an audit record with a chain link. */
        UNREADABLE
    }

    /** A problem, located: partition and offset of the record where it shows. */
    public record Problem(Kind kind, int partition, long offset, String detail) {
    }

    /** What was checked in one partition. */
    public record Summary(int partition, long records, long unchained, long firstSequence, long lastSequence,
                          String headHash, List<Problem> problems) {

        public Optional<Problem> firstProblem() {
            return problems.stream().min(Comparator.comparingLong(Problem::offset));
        }
    }

    private final int partition;
    private final boolean fromStart;
    private final List<Problem> problems = new ArrayList<>();
    /** Sequences skipped so far, with the offset where the gap showed. */
    private final Map<Long, Long> skipped = new LinkedHashMap<>();
    private long records;
    private long unchained;
    private long firstSequence = -1;
    /** The highest sequence seen, its record's offset and hash: the record the next new one must name. */
    private long highest = -1;
    private long highestOffset = -1;
    private byte[] highestHash;

    /**
     * @param fromStart whether the records begin at the start of the partition, so that the first one must
     *                  start the chain; a range that begins later takes its first record's link on trust
     */
    public ChainVerifier(int partition, boolean fromStart) {
        this.partition = partition;
        this.fromStart = fromStart;
    }

    /**
     * Checks the next record.
     *
     * @param sequence the sequence number the record's chain link carries, read by decoding it
     * @param value    the record's value exactly as stored
     */
    public void accept(long offset, long sequence, byte[] value) {
        records++;
        if (!ChainHash.isLinkable(value)) {
            problems.add(new Problem(Kind.UNREADABLE, partition, offset, "not an audit record in the Confluent wire format"));
            return;
        }
        if (sequence < 0) {
            // Written before the chain existed: nothing to check, and it must not come after chained records.
            unchained++;
            if (highestHash != null) {
                problems.add(new Problem(Kind.UNREADABLE, partition, offset, "a record without a chain link after chained records"));
            }
            return;
        }
        byte[] stored = ChainHash.storedHash(value);
        if (!Arrays.equals(ChainHash.computedHash(value), stored)) {
            problems.add(new Problem(Kind.ALTERED, partition, offset,
                    "sequence " + sequence + ": the record's content does not match its hash"));
        } else if (highestHash == null) {
            checkStart(offset, sequence, value);
        } else {
            checkLink(offset, sequence, value);
        }
        if (firstSequence < 0) {
            firstSequence = sequence;
        }
        if (highestHash == null || sequence > highest) {
            highest = sequence;
            highestOffset = offset;
            highestHash = stored;
        }
    }

    private void checkStart(long offset, long sequence, byte[] value) {
        if (fromStart && (sequence != 0 || !Arrays.equals(ChainHash.previousHash(value), ChainHash.zeros()))) {
            problems.add(new Problem(Kind.NO_START, partition, offset,
                    "the partition's first chained record has sequence " + sequence + ", not 0 with a zero previous hash"));
        }
    }

    private void checkLink(long offset, long sequence, byte[] value) {
        long expected = highest + 1;
        if (sequence > expected) {
            for (long s = expected; s < sequence; s++) {
                skipped.put(s, offset);
            }
        } else if (sequence < expected) {
            Long gapAt = skipped.remove(sequence);
            if (gapAt != null) {
                problems.add(new Problem(Kind.REORDERED, partition, gapAt,
                        "sequence " + sequence + " was expected here but stands at offset " + offset));
            } else {
                problems.add(new Problem(Kind.REPEATED, partition, offset,
                        "sequence " + sequence + " comes again after sequence " + highest));
            }
        } else if (!Arrays.equals(ChainHash.previousHash(value), highestHash)) {
            // This record is intact and in sequence, so its predecessor is the one that changed, hash and all.
            problems.add(new Problem(Kind.ALTERED, partition, highestOffset,
                    "sequence " + highest + ": the record was replaced; the next record names another hash"));
        }
    }

    /** The result, once every record of the range was accepted. */
    public Summary finish() {
        List<Problem> all = new ArrayList<>(problems);
        Map<Long, List<Long>> gaps = new LinkedHashMap<>();
        skipped.forEach((sequence, offset) -> gaps.computeIfAbsent(offset, o -> new ArrayList<>()).add(sequence));
        gaps.forEach((offset, sequences) -> all.add(new Problem(Kind.MISSING, partition, offset,
                describe(sequences) + " missing before this record")));
        all.sort(Comparator.comparingLong(Problem::offset));
        return new Summary(partition, records, unchained, firstSequence, highest,
                highestHash == null ? null : ChainHash.hex(highestHash), List.copyOf(all));
    }

    private static String describe(List<Long> sequences) {
        long first = sequences.get(0);
        long last = sequences.get(sequences.size() - 1);
        return first == last ? "sequence " + first + " is" : "sequences " + first + " to " + last + " are";
    }
}
