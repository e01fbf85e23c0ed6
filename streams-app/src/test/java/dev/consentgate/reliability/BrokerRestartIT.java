package dev.consentgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.cli.RunnableJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker stopped and started again while the service, {@code java -jar consentgate.jar run} in
 * its own JVM, decides events that keep arriving: the service rides the outage out (failed
 * transactions are aborted, stream threads resume from the last commit) and, under exactly-once,
 * every purpose topic (read_committed) ends up with exactly the expected records, each once, the
 * audit topic with one record per event and the dead-letter topic with the poisoned records.
 *
 * <p>The broker is a process of its own ({@link BrokerProcess}): stopped with SIGTERM and started
 * again on the same ports with its logs, as in a rolling restart. Sizes come from
 * {@link ChaosSettings}: 20,000 events and 1 restart in {@code mvn verify}, 100,000 events and 3
 * restarts with {@code -Pchaos}.
 */
class BrokerRestartIT {

    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Path reliability = Files.createDirectories(Path.of("target", "reliability"));
        broker = BrokerProcess.startIn(Files.createTempDirectory(reliability, "broker-").toAbsolutePath());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerRestartedMidRunLeavesEveryOutputExactlyOnceAndTheServiceRunning() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        try (ChaosRun chaos = ChaosRun.create(broker.bootstrapServers(), "broker-restart", settings)) {
            chaos.report("broker log %s", broker.log());
            // Given a service deciding events that keep arriving
            Random random = settings.faultRandom();
            long[] restartPoints = ChaosSettings.faultPoints(random, settings.brokerRestarts(), chaos.events());
            chaos.startTraffic();
            try (RunnableJar service = chaos.startService()) {

                // When the broker goes away at random points, for a few seconds each time, and comes back
                for (int restart = 1; restart <= settings.brokerRestarts(); restart++) {
                    chaos.awaitAudited(restartPoints[restart - 1], service);
                    Thread.sleep(random.nextInt(1_000));
                    long auditedAtStop = chaos.progress.committed();
                    long downtime = 3_000 + random.nextInt(5_000);
                    broker.stop();
                    chaos.report("broker stopped (restart %d of %d) at %,d of %,d audit records committed; starting it again in %,d ms",
                            restart, settings.brokerRestarts(), auditedAtStop, chaos.events(), downtime);
                    Thread.sleep(downtime);
                    long starting = System.nanoTime();
                    broker.start();
                    chaos.report("broker serving again, %,d ms after its process started", Duration.ofNanos(System.nanoTime() - starting).toMillis());
                    assertThat(auditedAtStop).as("stopped mid-run (%s)", chaos.replay()).isStrictlyBetween(0L, chaos.events());
                }

                // Then
                chaos.assertExactlyOnce();
                assertThat(service.isAlive()).as("the service rode the outage out (%s)", service.logFile()).isTrue();
                assertThat(service.awaitReady(Duration.ofSeconds(30))).as("ready after the outage").isTrue();
                chaos.report("stream threads replaced after transient errors: %d",
                        service.log().lines().filter(line -> line.contains("replacing it to retry from the last commit")).count());
                assertThat(service.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM after the run").isZero();
            }
        }
    }
}
