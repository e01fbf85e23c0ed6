package dev.consentgate.reliability;

import dev.consentgate.testing.BrokerProcess;
import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.ChaosSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.RunnableJar;
import dev.consentgate.testing.BrokerProcess.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker stopped, cleanly or in a crash, and started again while the service, {@code java -jar
 * consentgate.jar run} in its own JVM, decides events that keep arriving: the service rides the outage
 * out (failed transactions are aborted, stream threads resume from the last commit) and, under
 * exactly-once, every purpose topic (read_committed) ends up with exactly the expected records, each
 * once, the audit topic with one record per event and the dead-letter topic with the poisoned records.
 *
 * <p>The broker is a process of its own ({@link BrokerProcess}), stopped alternately with SIGTERM (a
 * clean shutdown, as in a rolling restart) and SIGKILL (a crash: the new process finds no clean-shutdown
 * marker and recovers its logs), the first kind chosen by the seed, then started again on the same
 * ports with its log directory. Sizes come from {@link ChaosSettings}: 20,000 events and 2 restarts (one
 * of each kind) in {@code mvn verify}, 100,000 events and 4 restarts with {@code -Pchaos}.
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
    void aBrokerStoppedCleanlyOrCrashedMidRunAndRestartedLeavesEveryOutputExactlyOnceAndTheServiceRunning() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        try (ChaosRun chaos = ChaosRun.create(broker.bootstrapServers(), "broker-restart", settings)) {
            chaos.report("broker log %s", broker.log());
            // Given a service deciding events that keep arriving
            Random random = settings.faultRandom();
            long[] restartPoints = ChaosSettings.faultPoints(random, settings.brokerRestarts(), chaos.events());
            Stop first = random.nextBoolean() ? Stop.CLEAN : Stop.CRASH;
            chaos.startTraffic();
            try (RunnableJar service = chaos.startService()) {

                // When the broker goes away at random points, cleanly or in a crash by turns, for a few seconds each time, and comes back
                for (int restart = 1; restart <= settings.brokerRestarts(); restart++) {
                    Stop stop = restart % 2 == 1 ? first : other(first);
                    chaos.awaitAudited(restartPoints[restart - 1], service);
                    Thread.sleep(random.nextInt(1_000));
                    long auditedAtStop = chaos.progress.committed();
                    long downtime = 3_000 + random.nextInt(5_000);
                    int exitCode = broker.stop(stop);
                    boolean marked = broker.leftCleanShutdownMarker();
                    chaos.fault("restart %d of %d: %s of the broker at %,d of %,d audit records committed: exit code %d, clean-shutdown marker %s; "
                            + "starting it again in %,d ms", restart, settings.brokerRestarts(), stop, auditedAtStop, chaos.events(), exitCode,
                            marked ? "written" : "absent", downtime);
                    if (stop == Stop.CRASH) {
                        assertThat(exitCode).as("exit code of a broker ended by SIGKILL").isEqualTo(128 + 9);
                    }
                    assertThat(marked).as("a clean-shutdown marker after the broker's %s", stop).isEqualTo(stop == Stop.CLEAN);
                    assertThat(auditedAtStop).as("%s mid-run (%s)", stop, chaos.replay()).isStrictlyBetween(0L, chaos.events());
                    Thread.sleep(downtime);
                    long starting = System.nanoTime();
                    broker.start();
                    List<String> recovered = broker.recoveredSegments();
                    chaos.report("broker serving again after its %s, %,d ms after its process started; log segments recovered: %d", stop,
                            Duration.ofNanos(System.nanoTime() - starting).toMillis(), recovered.size());
                    if (stop == Stop.CRASH) {
                        assertThat(recovered).as("log segments the broker recovered after its %s (%s)", stop, broker.log()).isNotEmpty();
                    }
                }
                chaos.releaseHeldBackTraffic();

                // Then
                chaos.assertExactlyOnce();
                assertThat(service.isAlive()).as("the service rode the outages out (%s; %s)", chaos.faults(), service.logFile()).isTrue();
                assertThat(service.awaitReady(Duration.ofSeconds(30))).as("ready after the outages (%s)", chaos.faults()).isTrue();
                chaos.report("stream threads replaced after transient errors: %d",
                        service.log().lines().filter(line -> line.contains("replacing it to retry from the last commit")).count());
                assertThat(service.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM after the run").isZero();
            }
        }
    }

    private static Stop other(Stop stop) {
        return stop == Stop.CLEAN ? Stop.CRASH : Stop.CLEAN;
    }
}
