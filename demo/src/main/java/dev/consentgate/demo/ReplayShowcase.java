package dev.consentgate.demo;

import dev.consentgate.policy.Policy;
import dev.consentgate.replay.ReplayEngine;
import dev.consentgate.replay.ReplayReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo's closing check, as {@code consentgate replay} makes it: every decision of the run is derived again from the
 * consent and input topics, at the decision time and the consent offsets its audit record names, and compared with the
 * audit record. Consent and events were produced while the pipeline ran, so which consent change an event met follows
 * timing, and two runs of the same traffic can differ by a few decisions; the replay shows that each run's audit topic
 * accounts for every one of its own. Prints the replay's report: counts, event ids and audit fields, never a record.
 */
final class ReplayShowcase {

    private static final int MISMATCHES_SHOWN = 3;
    /** The replay of a demo run takes seconds: no progress lines. */
    private static final Duration NO_PROGRESS = Duration.ofDays(1);

    private ReplayShowcase() {
    }

    /** Replays everything the run wrote, under the run's policy. */
    static ReplayReport run(Map<String, Object> properties, Policy policy) {
        return new ReplayEngine(new ReplayEngine.Options(properties, List.of(policy), false, null, null, MISMATCHES_SHOWN, NO_PROGRESS,
                line -> { }, null)).run();
    }
}
