package dev.consentgate.testing;

import java.util.Random;

/**
 * The sizes of the crash and broker-restart tests, from system properties, so that {@code mvn verify}
 * runs a short version and {@code mvn verify -Pchaos} the long one (streams-app/pom.xml sets them):
 *
 * <ul>
 *   <li>{@code consentgate.reliability.events}: CRM events per run (short: 20,000);
 *   <li>{@code consentgate.reliability.kills}: SIGKILLs of the service per run (short: 3);
 *   <li>{@code consentgate.reliability.broker-restarts}: broker restarts per run, by turns after a clean
 *       stop (SIGTERM) and after a crash (SIGKILL), the first kind chosen by the seed (short: 2, one of each);
 *   <li>{@code consentgate.reliability.rate}: CRM events per second sent while the service runs (1,000);
 *   <li>{@code consentgate.reliability.seed}: the seed of the traffic and of the fault points; random
 *       unless set, and printed, so that a failing run replays with {@code -Dconsentgate.reliability.seed=}.
 *   <li>{@code consentgate.reliability.guarantee}: the service's {@code processing.guarantee}
 *       ({@value #EXACTLY_ONCE}); {@code at_least_once} is the negative control, under which the tests
 *       must fail on duplicated outputs.
 * </ul>
 */
public record ChaosSettings(int events, int kills, int brokerRestarts, int eventsPerSecond, long seed, String guarantee) {

    public static final String PREFIX = "consentgate.reliability.";
    static final String EXACTLY_ONCE = "exactly_once_v2";

    public static ChaosSettings fromSystemProperties() {
        String seed = System.getProperty(PREFIX + "seed", "");
        String guarantee = System.getProperty(PREFIX + "guarantee", "");
        return new ChaosSettings(
                Integer.getInteger(PREFIX + "events", 20_000),
                Integer.getInteger(PREFIX + "kills", 3),
                Integer.getInteger(PREFIX + "broker-restarts", 2),
                Integer.getInteger(PREFIX + "rate", 1_000),
                seed.isBlank() ? new Random().nextLong() : Long.parseLong(seed.trim()),
                guarantee.isBlank() ? EXACTLY_ONCE : guarantee.trim());
    }

    /** Customers of the traffic: one per 20 events, at least 300. */
    public int customers() {
        return Math.max(300, events / 20);
    }

    /** The randomness of the fault points, apart from the traffic's so that changing one leaves the other. */
    public Random faultRandom() {
        return new Random(seed * 31 + 17);
    }

    /** How to replay this run: the system property that fixes the seed. */
    String replay() {
        String replay = "-D" + PREFIX + "seed=" + seed + " -D" + PREFIX + "events=" + events;
        return guarantee.equals(EXACTLY_ONCE) ? replay : replay + " -D" + PREFIX + "guarantee=" + guarantee;
    }

    /** How far into the events the last fault may come, in percent. */
    static final int LAST_FAULT_PERCENT = 90;

    /**
     * {@code count} points at random between 5 % and {@value #LAST_FAULT_PERCENT} % of {@code total}, in
     * increasing order: one in each of {@code count} equal slices, so that every fault lands mid-run and
     * apart from the others.
     */
    public static long[] faultPoints(Random random, int count, long total) {
        long[] points = new long[count];
        double low = 0.05;
        double slice = (LAST_FAULT_PERCENT / 100.0 - low) / count;
        for (int i = 0; i < count; i++) {
            points[i] = Math.max(1, Math.round(total * (low + slice * (i + random.nextDouble()))));
        }
        return points;
    }
}
