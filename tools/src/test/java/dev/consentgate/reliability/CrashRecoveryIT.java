package dev.consentgate.reliability;

import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.ChaosSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.RunnableJar;
import dev.consentgate.testing.KafkaBroker;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service, as {@code java -jar consentgate.jar run} in its own JVM, killed with SIGKILL at random
 * points while events flow and started again each time with the same application id: the same state
 * directory, except once wiped, as when an instance moves to a new machine. Under exactly-once every
 * purpose topic (read_committed) ends up with exactly the expected records, each once, the audit
 * topic with one record per event and the dead-letter topic with the poisoned records.
 *
 * <p>Sizes come from {@link ChaosSettings}: 20,000 events and 3 kills in {@code mvn verify}, 100,000
 * events and 4 kills with {@code -Pchaos}.
 */
class CrashRecoveryIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void aServiceKilledWithSigkillAtRandomPointsAndRestartedWritesEveryOutputExactlyOnce() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        try (ChaosRun chaos = ChaosRun.create(KAFKA.bootstrapServers(), "crash", settings)) {
            // Given a service deciding events that keep arriving
            Random random = settings.faultRandom();
            long[] killPoints = ChaosSettings.faultPoints(random, settings.kills(), chaos.events());
            int wipedBefore = settings.kills() >= 2 ? 2 : 1;
            chaos.startTraffic();
            RunnableJar service = chaos.startService();

            // When it is killed at random points, and each time a new one takes over
            for (int kill = 1; kill <= settings.kills(); kill++) {
                chaos.awaitAudited(killPoints[kill - 1], service);
                Thread.sleep(random.nextInt(1_000));
                long auditedAtKill = chaos.progress.committed();
                int exitCode = service.kill();
                Thread.sleep(1_000);
                long auditedAfterKill = chaos.progress.committed();
                chaos.fault("SIGKILL %d of %d of the service (pid %d) at %,d of %,d audit records committed (%,d a second later)",
                        kill, settings.kills(), service.pid(), auditedAtKill, chaos.events(), auditedAfterKill);
                assertThat(exitCode).as("exit code of a JVM ended by SIGKILL").isEqualTo(128 + 9);
                assertThat(auditedAtKill).as("killed mid-run (%s)", chaos.replay()).isStrictlyBetween(0L, chaos.events());
                assertThat(auditedAfterKill).as("work left after the kill (%s)", chaos.replay()).isLessThan(chaos.events());
                if (kill == wipedBefore) {
                    chaos.wipeState();
                    chaos.report("state directory wiped before service %d", kill + 1);
                }
                service = chaos.startService();
            }
            chaos.releaseHeldBackTraffic();

            // Then
            try (RunnableJar last = service) {
                chaos.assertExactlyOnce();
                assertThat(last.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM after the run").isZero();
            }
        }
    }
}
