package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which records of a topic an auditor's command reads: all by default, or from/to an offset or a
 * record timestamp, in some partitions. A picocli mixin, so every command spells it the same way.
 */
final class RecordRange {

    @Option(names = "--partition", paramLabel = "N", description = "Only this partition (repeatable; default: all).")
    List<Integer> partitions = List.of();

    @Option(names = "--from-offset", paramLabel = "OFFSET", description = "Start at this offset in each partition read.")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "OFFSET", description = "Stop before this offset in each partition read.")
    Long toOffset;

    @Option(names = "--from", paramLabel = "TIME",
            description = "Start at the first record stamped at or after TIME (ISO-8601, e.g. 2026-11-01T00:00:00Z).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", description = "Stop at the first record stamped at or after TIME (ISO-8601).")
    Instant to;

    static RecordRange all() {
        return new RecordRange();
    }

    /** Every record of one partition. */
    static RecordRange partition(int partition) {
        RecordRange range = new RecordRange();
        range.partitions = List.of(partition);
        return range;
    }

    void validate() {
        if ((fromOffset != null && from != null) || (toOffset != null && to != null)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "give a range by offsets or by times, not both");
        }
        if (fromOffset != null && toOffset != null && toOffset < fromOffset) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "--to-offset " + toOffset + " is before --from-offset " + fromOffset);
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "--to " + to + " is before --from " + from);
        }
    }
}
