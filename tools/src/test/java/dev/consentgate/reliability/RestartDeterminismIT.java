package dev.consentgate.reliability;

import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.ChaosSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.RunnableJar;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.replay.ReplayReport;
import dev.consentgate.reliability.RestartRun.Audited;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Decisions do not depend on how the service was stopped and started, nor on which instance decides:
 * the consent history (versioned stores) answers for past times after a restart that reopens a state
 * directory exactly as it did before.
 *
 * <p>Each run sends the same consent history ({@link RestartScenario}) and waits until the service has
 * read all of it, makes its fault, then sends CRM events, most of which lie before their customer's
 * latest consent change. All consent being read before any event, every decision is deterministic, so
 * each run's audit records (read_committed) must equal, event by event, those of a reference run
 * without a fault: the jurisdiction, and per purpose the decision and its reason codes. The faults: a
 * clean stop (SIGTERM) and a restart on the same state directory; the same on a wiped state directory
 * (restored from the changelogs); a failover, in which instance A reads all consent alone, B joins and
 * takes two of the four tasks, B is killed (SIGKILL) and A takes them back, reopening its stale state.
 * The failover run is then replayed, which must match every decision.
 *
 * <p>Sizes come from {@link ChaosSettings}: a tenth of its events (2,000 in {@code mvn verify}, 10,000
 * with {@code -Pchaos}) over its customers (300, 5,000); the seed is fixed unless
 * {@code -Dconsentgate.reliability.seed} sets one.
 */
class RestartDeterminismIT {

    private static final long DEFAULT_SEED = 20_261_205L;
    /** How many differences a failure message lists; the rest are counted. */
    private static final int SHOWN = 15;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static RestartScenario scenario;
    private static Map<String, Audited> reference;

    @BeforeAll
    static void referenceRun() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        long seed = System.getProperty(ChaosSettings.PREFIX + "seed", "").isBlank() ? DEFAULT_SEED : settings.seed();
        scenario = new RestartScenario(seed, settings.customers(), settings.events() / 10);
        try (RestartRun run = new RestartRun(KAFKA.bootstrapServers(), "reference")) {
            run.report("seed %d: %,d consent records, %,d events of which %,d lie before their customer's latest consent change",
                    seed, scenario.consents.size(), scenario.eventCount(), scenario.beforeLatestChange);
            run.start("a", Map.of());
            run.sendConsentsAndAwaitRead(scenario);
            run.sendEvents(scenario);
            reference = run.awaitAudited(scenario);
        }
    }

    @Test
    void theReferenceRunDecidesTheHandComputedEventsAsComputed() {
        assertThat(scenario.beforeLatestChange).as("events before their customer's latest consent change")
                .isGreaterThan(scenario.eventCount() / 2);
        for (RestartScenario.Expected expected : scenario.handComputed) {
            Audited audited = reference.get(expected.eventId());
            assertThat(audited).as(expected.eventId()).isNotNull();
            assertThat(audited.jurisdiction()).as("jurisdiction of %s", expected.eventId()).isEqualTo(expected.jurisdiction());
            assertThat(audited.decisions()).as("decisions of %s", expected.eventId()).isEqualTo(expected.decisions());
        }
    }

    @Test
    void aCleanRestartOnTheSameStateDirectoryDecidesAsTheReference() throws Exception {
        try (RestartRun run = new RestartRun(KAFKA.bootstrapServers(), "same-state")) {
            // Given a service that has read the whole consent history
            RunnableJar first = run.start("a", Map.of());
            run.sendConsentsAndAwaitRead(scenario);

            // When it is stopped cleanly and started again on the same state directory
            assertThat(first.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM").isZero();
            run.start("a", Map.of());
            run.sendEvents(scenario);

            // Then it decides every event as the run without a restart did
            assertSameDecisions(run.awaitAudited(scenario), "clean restart on the same state directory");
        }
    }

    @Test
    void aRestartOnAWipedStateDirectoryDecidesAsTheReference() throws Exception {
        try (RestartRun run = new RestartRun(KAFKA.bootstrapServers(), "wiped-state")) {
            // Given a service that has read the whole consent history
            RunnableJar first = run.start("a", Map.of());
            run.sendConsentsAndAwaitRead(scenario);

            // When it is stopped cleanly, its state directory deleted, and started again: it restores from the changelogs
            assertThat(first.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM").isZero();
            ChaosRun.deleteTree(run.stateDir("a"));
            run.start("a", Map.of());
            run.sendEvents(scenario);

            // Then it decides every event as the run without a restart did
            assertSameDecisions(run.awaitAudited(scenario), "restart on a wiped state directory");
        }
    }

    @Test
    void aFailoverBackToAnInstanceWithStaleStateDecidesAsTheReferenceAndReplaysToFullMatch() throws Exception {
        // Any instance counts as caught up, so that B takes its share of the tasks at once rather than after warm-up
        // and a probing rebalance (10 minutes).
        Map<String, String> balanced = Map.of("acceptable.recovery.lag", Long.toString(Long.MAX_VALUE));
        try (RestartRun run = new RestartRun(KAFKA.bootstrapServers(), "failover")) {
            // Given instance A, which read the whole consent history alone and so holds state for every task
            RunnableJar a = run.start("a", balanced);
            run.sendConsentsAndAwaitRead(scenario);
            run.awaitConsentPartitions("A owning all 4 consent partitions", owned -> owned.equals(Map.of("a", Set.of(0, 1, 2, 3))));

            // And B, which joined and took two of the tasks
            RunnableJar b = run.start("b", balanced);
            run.awaitConsentPartitions("A and B owning 2 consent partitions each", owned -> owned.size() == 2
                    && owned.getOrDefault("a", Set.of()).size() == 2 && owned.getOrDefault("b", Set.of()).size() == 2);
            assertThat(b.awaitReady(ChaosRun.READY_TIMEOUT)).as("B running its tasks").isTrue();

            // When B is killed and A takes its tasks back, reopening the state it kept for them
            assertThat(b.kill()).as("exit code of a JVM ended by SIGKILL").isEqualTo(128 + 9);
            run.awaitConsentPartitions("A owning all 4 consent partitions again", owned -> owned.equals(Map.of("a", Set.of(0, 1, 2, 3))));
            assertThat(a.awaitReady(ChaosRun.READY_TIMEOUT)).as("A running every task").isTrue();
            run.sendEvents(scenario);

            // Then A decides every event as the run without a fault did, and a replay of the run matches every recorded
            // decision (both are checked, so that a failure reports both)
            Map<String, Audited> audited = run.awaitAudited(scenario);
            ReplayReport report = run.replay();
            run.report("replay: %,d events, %,d matched, %,d mismatched, %,d without audit, %,d audit without input",
                    report.events(), report.matchedCount(), report.mismatchedCount(), report.missingAuditCount(),
                    report.auditWithoutInputCount());
            SoftAssertions.assertSoftly(softly -> {
                softly.check(() -> assertSameDecisions(audited, "failover back to A's stale state"));
                softly.assertThat(report.mismatchedCount()).as("replay mismatches; first: %s", report.mismatches().stream()
                        .limit(5).map(m -> m.eventId() + " " + m.note()).toList()).isZero();
                softly.assertThat(report.missingAuditCount()).as("inputs without audit record").isZero();
                softly.assertThat(report.auditWithoutInputCount()).as("audit records without input").isZero();
                softly.assertThat(report.events()).as("events replayed").isEqualTo(scenario.eventCount());
                softly.assertThat(report.matchedCount()).as("events matched").isEqualTo(scenario.eventCount());
            });
        }
    }

    /**
     * Every event's audit record equals the reference run's; a failure counts the events and the purpose decisions
     * that differ, tallies the differences as "purpose: reference → this run" and lists the first events.
     */
    private static void assertSameDecisions(Map<String, Audited> actual, String fault) {
        Set<String> eventIds = new TreeSet<>(reference.keySet());
        eventIds.addAll(actual.keySet());
        List<String> differing = new ArrayList<>();
        Map<String, Long> tally = new TreeMap<>();
        long purposeDifferences = 0;
        long jurisdictionDifferences = 0;
        for (String eventId : eventIds) {
            Audited expected = reference.get(eventId);
            Audited got = actual.get(eventId);
            if (Objects.equals(expected, got)) {
                continue;
            }
            differing.add(eventId + ": " + got + " (reference " + expected + ")");
            if (expected == null || got == null) {
                continue;
            }
            if (!Objects.equals(expected.jurisdiction(), got.jurisdiction())) {
                jurisdictionDifferences++;
                tally.merge("jurisdiction: " + (expected.jurisdiction() == null ? "null" : "known") + " → " + got.jurisdiction(), 1L, Long::sum);
            }
            Set<String> purposes = new TreeSet<>(expected.decisions().keySet());
            purposes.addAll(got.decisions().keySet());
            for (String purpose : purposes) {
                String was = expected.decisions().get(purpose);
                String is = got.decisions().get(purpose);
                if (!Objects.equals(was, is)) {
                    purposeDifferences++;
                    tally.merge(purpose + ": " + was + " → " + is, 1L, Long::sum);
                }
            }
        }
        String summary = String.format("%s: %,d of %,d events decided differently from the reference run (%,d purpose decisions,"
                        + " %,d jurisdictions); by kind:%n  %s%nfirst events:%n  %s", fault, differing.size(), eventIds.size(),
                purposeDifferences, jurisdictionDifferences,
                tally.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> e.getValue() + " × " + e.getKey()).collect(Collectors.joining("\n  ")),
                String.join("\n  ", differing.subList(0, Math.min(SHOWN, differing.size()))));
        if (!differing.isEmpty()) {
            System.out.println(summary);
        }
        assertThat(differing).as(summary).isEmpty();
    }
}
