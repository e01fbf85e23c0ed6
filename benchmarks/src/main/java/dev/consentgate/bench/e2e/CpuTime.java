package dev.consentgate.bench.e2e;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.regex.Pattern;

/**
 * CPU time used so far by this process and by its Kafka Streams stream threads, and the time its JIT compilers
 * spent. Over a round, the difference of two readings measures the work per event without the time the machine's
 * other load takes cores away; that load still slows the work itself (shared caches, memory bandwidth), so it is
 * not steady either.
 *
 * @param processNanos every thread of the JVM: the stream threads, the producer's network thread, the JIT, GC
 * @param streamThreadNanos the stream threads alone (named {@code <client id>-StreamThread-<n>}), where the
 *                          topology's processors, the stores and the record collector run
 * @param jitNanos the time the JIT compiler threads spent compiling, part of {@code processNanos}: the JVM reports
 *                 it as elapsed time summed over those threads, which on a busy machine is more than their CPU time,
 *                 so it is an upper bound of what the warm-up took from the cores
 */
record CpuTime(long processNanos, long streamThreadNanos, long jitNanos) {

    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+");

    static CpuTime now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long streamThreads = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && STREAM_THREAD.matcher(info.getThreadName()).matches()) {
                // -1 when the thread ended since the ids were listed: it then has nothing more to add.
                streamThreads += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        long process = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new CpuTime(process, streamThreads, jitMillis * 1_000_000);
    }

    CpuTime since(CpuTime earlier) {
        return new CpuTime(processNanos - earlier.processNanos, streamThreadNanos - earlier.streamThreadNanos,
                jitNanos - earlier.jitNanos);
    }
}
