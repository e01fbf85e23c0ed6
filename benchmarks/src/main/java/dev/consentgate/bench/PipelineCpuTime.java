package dev.consentgate.bench;

import dev.consentgate.ingest.RejectException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link PipelineBenchmark}'s work per event, measured in events per second of this thread's CPU time
 * instead of wall-clock time. On a shared two-core machine JMH's throughput moves with whatever else
 * runs (other builds, the JIT of other JVMs); the thread's own CPU time moves far less, so two builds
 * can be compared by running this alternately. It is a comparison tool, not the target's measure: the
 * targets are stated in JMH throughput.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.consentgate.bench.PipelineCpuTime [ROUNDS]</pre>
 */
public final class PipelineCpuTime {

    private static final int WARM_UP_EVENTS = 400_000;
    private static final int EVENTS_PER_ROUND = 100_000;

    private PipelineCpuTime() {
    }

    public static void main(String[] args) throws RejectException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        PipelineBenchmark benchmark = new PipelineBenchmark();
        benchmark.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long written = 0;
        // Long enough for C2 to compile the whole path, which JMH's default warm-up is not on a busy machine.
        for (int i = 0; i < WARM_UP_EVENTS; i++) {
            written += benchmark.decodeDecideEncode();
        }
        double[] perCpuSecond = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < EVENTS_PER_ROUND; i++) {
                written += benchmark.decodeDecideEncode();
            }
            perCpuSecond[round] = EVENTS_PER_ROUND / ((threads.getCurrentThreadCpuTime() - start) / 1e9);
        }
        double[] sorted = perCpuSecond.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "decode + decide + encode: median %,.0f events per CPU-second (rounds %s; %,d bytes written)%n",
                sorted[rounds / 2], Arrays.toString(Arrays.stream(perCpuSecond).mapToLong(Math::round).toArray()), written);
    }
}
