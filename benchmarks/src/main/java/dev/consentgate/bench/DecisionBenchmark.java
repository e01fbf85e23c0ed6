package dev.consentgate.bench;

import dev.consentgate.policy.ConsentLookup;
import dev.consentgate.policy.DecisionContext;
import dev.consentgate.policy.DecisionFunction;
import dev.consentgate.policy.EventDecision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** (a) The decision function alone: one event declaring two purposes, consent answered from memory. Target ≥ 1M/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {

    /** A power of two, so the next customer is a mask away; enough customers to defeat branch prediction. */
    private static final int CUSTOMERS = 4096;
    private static final long EVENT_TIME = 1_800_000_000_000L;

    private DecisionFunction decisions;
    private ConsentLookup[] lookups;
    private String[] jurisdictions;
    private int next;

    @Setup
    public void setUp() {
        decisions = new DecisionFunction(ExamplePolicy.load());
        InMemoryConsent consent = new InMemoryConsent(CUSTOMERS);
        lookups = new ConsentLookup[CUSTOMERS];
        jurisdictions = new String[CUSTOMERS];
        for (int i = 0; i < CUSTOMERS; i++) {
            lookups[i] = consent.forCustomer(SampleContacts.customerId(i));
            jurisdictions[i] = InMemoryConsent.jurisdiction(i);
        }
    }

    @Benchmark
    public EventDecision decideTwoPurposes() {
        int customer = next++ & (CUSTOMERS - 1);
        return decisions.decide(InMemoryConsent.TWO_PURPOSES, purpose -> true, lookups[customer],
                DecisionContext.atEventTime(EVENT_TIME, jurisdictions[customer]));
    }
}
