package dev.consentgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.ChaosSettings;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.RunnableJar;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances of the service ({@code java -jar consentgate.jar run}, each in its own JVM with its own state
 * directory) under one application id share a three-partition run, with a standby replica of every task. One is
 * killed with SIGKILL mid-run: the survivor is assigned every partition once the dead member's session times out,
 * the audit topic's partitions resume, and once the killed instance is started again every output holds exactly the
 * expected records, each once, with every audit chain intact.
 *
 * <p>It prints how long the takeover took: from the SIGKILL until the group is stable with the survivor alone holding
 * every partition, and until every audit partition has new committed records.
 */
class SeveralInstancesIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final int PARTITIONS = 3;
    /** Where in the run the kill comes, at the latest; the events held back by the run arrive after it. */
    private static final double KILL_AT = 0.3;
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofMinutes(1);

    @Test
    void theSurvivorTakesOverAKilledInstancesPartitionsAndEveryOutputIsWrittenExactlyOnce() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        try (ChaosRun chaos = ChaosRun.create(KAFKA.bootstrapServers(), "instances", settings, Map.of("num.standby.replicas", "1"));
             GroupAssignment group = new GroupAssignment(KAFKA.bootstrapServers(), chaos.applicationId())) {
            String consentTopic = chaos.applicationId() + ".consent.events";
            // Given events arriving, and two instances sharing the partitions. The consent history is on the broker before
            // the instances start, as in the other crash tests: the expected decisions assume it is read before the events
            // that follow it, which Kafka Streams ensures only for records already on the broker when a task fetches.
            chaos.startTraffic();
            RunnableJar survivor = chaos.startInstance("a");
            RunnableJar victim = chaos.startInstance("b");
            group.awaitStableAssignment(2, Set.of(), consentTopic, PARTITIONS, ChaosRun.READY_TIMEOUT);
            Set<String> members = group.members();
            chaos.awaitAudited(Math.round(chaos.events() * KILL_AT), victim);

            // When one of them is killed
            long[] auditedAtKill = chaos.progress.committedByPartition();
            long killedAt = System.nanoTime();
            int exitCode = victim.kill();
            chaos.fault("SIGKILL of instance b (pid %d) at %s audit records committed per partition", victim.pid(),
                    Arrays.toString(auditedAtKill));
            // The events held back arrive now, on every partition, so that every audit partition has work once taken over
            chaos.releaseHeldBackTraffic();

            // Then the survivor alone holds every partition, and every audit partition goes on
            group.awaitStableAssignment(1, members, consentTopic, PARTITIONS, TAKEOVER_TIMEOUT);
            Duration reassigned = Duration.ofNanos(System.nanoTime() - killedAt);
            Duration resumed = awaitEveryPartitionAdvanced(chaos, auditedAtKill, killedAt, survivor);
            chaos.report("takeover: every partition assigned to the survivor %,d ms after the SIGKILL (session.timeout.ms %s);"
                            + " every audit partition resumed after %,d ms", reassigned.toMillis(),
                    ChaosRun.SERVICE_OVERRIDES.get("session.timeout.ms"), resumed.toMillis());
            assertThat(exitCode).as("exit code of a JVM ended by SIGKILL").isEqualTo(128 + 9);
            assertThat(survivor.isAlive()).as("the survivor runs on").isTrue();
            assertThat(Arrays.stream(auditedAtKill).sum()).as("killed mid-run (%s)", chaos.replay()).isLessThan(chaos.events());

            // And once the killed instance is back, every output is written exactly once
            try (RunnableJar restarted = chaos.startInstance("b")) {
                chaos.assertExactlyOnce();
                assertThat(restarted.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM of the restarted instance").isZero();
                assertThat(survivor.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM of the survivor").isZero();
            } finally {
                survivor.close();
            }
        }
    }

    /** Waits until every audit partition has more committed records than at the kill; the time since the kill. */
    private static Duration awaitEveryPartitionAdvanced(ChaosRun chaos, long[] atKill, long killedAt, RunnableJar survivor)
            throws InterruptedException {
        long deadline = killedAt + TAKEOVER_TIMEOUT.toNanos();
        while (true) {
            long[] now = chaos.progress.committedByPartition();
            boolean all = true;
            for (int partition = 0; partition < now.length; partition++) {
                all &= now[partition] > atKill[partition];
            }
            if (all) {
                return Duration.ofNanos(System.nanoTime() - killedAt);
            }
            if (System.nanoTime() > deadline || !survivor.isAlive()) {
                throw new AssertionError("audit partitions stalled after the kill: " + Arrays.toString(atKill) + " then "
                        + Arrays.toString(now) + " (" + chaos.replay() + "; survivor log " + survivor.logFile() + ")");
            }
            Thread.sleep(20);
        }
    }
}
