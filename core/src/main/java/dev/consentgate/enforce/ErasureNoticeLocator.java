package dev.consentgate.enforce;

import dev.consentgate.config.TopologySettings;
import dev.consentgate.deadletter.DeadLetters;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.ingest.RejectReason;
import dev.consentgate.ingest.Rejected;
import dev.consentgate.ingest.SourcePosition;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.output.Outbound;
import dev.consentgate.schema.ErasureNotice;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.serde.SpecificAvroBinary;
import dev.consentgate.serde.TransientErrors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes erasure notices once the deliveries they name are committed, and writes them to the erasure topic.
 *
 * <p>Finding the records takes requests to the brokers ({@link NoticeLookup}), which can be slow. Made on the stream thread,
 * they would hold its transaction open, and the brokers abort (fence) a transaction older than the producers'
 * {@code transaction.timeout.ms}: the task would make the same lookups again and the thread, every task of it, could go
 * round that loop without deciding anything. So they are made on a thread of the task's own. A notice waits in the
 * {@link #WAITING_STORE} store (in the transaction that read it) until its lookups end; every {@link #FORWARD_INTERVAL}
 * the notices whose lookups ended are written and leave the store, in one transaction. A notice still waiting when the
 * task moves or restarts is looked up again where it resumes. A request that cannot be read in time is tried again; a
 * notice that cannot be completed goes to the dead-letter topic as it was waiting. The notices waiting, and since when the
 * oldest was read, are reported to the metrics.
 */
final class ErasureNoticeLocator implements Processor<byte[], byte[], byte[], Outbound> {

    static final SpecificAvroBinary<PendingErasureNotice> PENDING = new SpecificAvroBinary<>(PendingErasureNotice.class);
    static final String WAITING_STORE = "erasure-notices-waiting";
    /** How often the notices whose lookups ended are written: a notice comes at most this long after its lookups. */
    static final Duration FORWARD_INTERVAL = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(ErasureNoticeLocator.class);

    private final AvroCodec codec;
    private final TopologySettings settings;
    private final ErasureLookups.Factory lookupsFactory;
    private final DeadLetters deadLetters;
    private final EnforcementMetrics metrics;
    private final Time time;
    /** The lookups of each waiting notice, by its offset in the internal topic: in the order the notices came. */
    private final Map<Long, Lookup> lookingUp = new TreeMap<>();
    private ProcessorContext<byte[], Outbound> context;
    private KeyValueStore<Long, byte[]> waiting;
    private Map<String, Object> appConfigs;
    private String clientId;
    /** Made with the first notice: erasures are rare, and each would hold a thread and a consumer. */
    private ExecutorService worker;
    /** Used on the worker's thread only (or the stream thread's, for lookups that answer at once). */
    private volatile ErasureLookups lookups;

    ErasureNoticeLocator(AvroCodec codec, TopologySettings settings, ErasureLookups.Factory lookupsFactory, DeadLetters deadLetters,
                         EnforcementMetrics metrics) {
        this(codec, settings, lookupsFactory, deadLetters, metrics, Time.SYSTEM);
    }

    ErasureNoticeLocator(AvroCodec codec, TopologySettings settings, ErasureLookups.Factory lookupsFactory, DeadLetters deadLetters,
                         EnforcementMetrics metrics, Time time) {
        this.codec = codec;
        this.settings = settings;
        this.lookupsFactory = lookupsFactory;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.time = time;
    }

    /** The notices waiting for their lookups; their changelog is compacted like the other stores an erasure empties. */
    static StoreBuilder<KeyValueStore<Long, byte[]>> storeBuilder(Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAITING_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingEnabled(changelogConfig);
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
        this.waiting = context.getStateStore(WAITING_STORE);
        this.appConfigs = context.appConfigs();
        this.clientId = context.applicationId() + "-erasure-notices-" + context.taskId();
        context.schedule(FORWARD_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> forwardLocated());
        try (KeyValueIterator<Long, byte[]> notices = waiting.all()) {
            notices.forEachRemaining(notice -> lookUp(notice.key, decode(notice.value)));
        }
        reportWaiting();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata read = context.recordMetadata().orElseThrow();
        WaitingNotice notice = new WaitingNotice(new SourcePosition(read.topic(), read.partition(), read.offset()), record.timestamp(),
                context.currentSystemTimeMs(), record.value());
        waiting.put(read.offset(), notice.encode());
        lookUp(read.offset(), notice);
        // Lookups that answer at once (in memory) have their notice written with the record that brought it.
        forwardLocated();
    }

    private void lookUp(long offset, WaitingNotice notice) {
        if (lookupsFactory.answersAtOnce()) {
            CompletableFuture<ErasureNotice> located = new CompletableFuture<>();
            try {
                located.complete(locate(notice));
            } catch (RuntimeException e) {
                located.completeExceptionally(e);
            }
            lookingUp.put(offset, new Lookup(notice.readAt(), located));
            return;
        }
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, clientId);
                thread.setDaemon(true);
                return thread;
            });
        }
        lookingUp.put(offset, new Lookup(notice.readAt(), worker.submit(() -> locate(notice))));
    }

    private ErasureNotice locate(WaitingNotice notice) {
        if (lookups == null) {
            lookups = lookupsFactory.open(appConfigs, clientId);
        }
        return new NoticeLookup(codec, settings, lookups, time).notice(PENDING.decode(notice.pending()));
    }

    /**
     * Writes the notices whose lookups ended and takes them out of the store; a request not read in time is looked up
     * again, a notice that cannot be completed goes to the dead-letter topic.
     */
    private void forwardLocated() {
        List<Long> again = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Lookup>> it = lookingUp.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Lookup> entry = it.next();
            Future<ErasureNotice> located = entry.getValue().located();
            if (!located.isDone()) {
                continue;
            }
            WaitingNotice notice = decode(waiting.get(entry.getKey()));
            try {
                forward(notice, located.get());
            } catch (ExecutionException failed) {
                if (TransientErrors.isTransient(failed.getCause())) {
                    LOG.warn("The erasure request of the notice read at {}-{} offset {} could not be read back ({}); looking it up again",
                            notice.position().topic(), notice.position().partition(), notice.position().offset(),
                            failed.getCause().getClass().getName());
                    again.add(entry.getKey());
                    it.remove();
                    continue;
                }
                deadLetter(notice, failed.getCause());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            waiting.delete(entry.getKey());
            it.remove();
        }
        again.forEach(offset -> lookUp(offset, decode(waiting.get(offset))));
        reportWaiting();
    }

    private WaitingNotice decode(byte[] stored) {
        return WaitingNotice.decode(stored, context.currentSystemTimeMs());
    }

    private void reportWaiting() {
        OptionalLong oldest = lookingUp.values().stream().mapToLong(Lookup::readAt).min();
        metrics.erasureNoticesWaiting(context.taskId().partition(), lookingUp.size(), oldest);
    }

    private void forward(WaitingNotice notice, ErasureNotice located) {
        byte[] value;
        try {
            value = codec.encode(settings.erasureTopic(), located);
        } catch (RuntimeException e) {
            if (TransientErrors.isTransient(e)) {
                // A registry away: the thread retries from the last commit, where the notice still waits.
                throw e;
            }
            deadLetter(notice, e);
            return;
        }
        context.forward(new Record<>(located.getCustomerId().getBytes(StandardCharsets.UTF_8), new Outbound(settings.erasureTopic(), value),
                notice.timestamp()));
    }

    /**
     * The waiting notice as it came (no customer id), with why: the failures of {@link NoticeLookup} name positions only,
     * others may quote data and are named by their class.
     */
    private void deadLetter(WaitingNotice notice, Throwable failure) {
        String why = failure instanceof IllegalStateException ? failure.getMessage() : failure.getClass().getName();
        LOG.warn("The erasure notice read at {}-{} offset {} cannot be completed ({}); it goes to the dead-letter topic {}",
                notice.position().topic(), notice.position().partition(), notice.position().offset(), failure.getClass().getName(),
                settings.dlqTopic());
        Rejected rejected = new Rejected(RejectReason.PROCESSING_ERROR, why + " in processor " + EnforcementTopology.ERASURE_NOTICE_LOCATOR,
                null, notice.pending(), notice.position());
        context.forward(deadLetters.record(rejected, new RecordHeaders(), notice.timestamp()));
    }

    /**
     * Stops the lookups under way and those queued (their notices wait in the store for whoever resumes the task), then
     * closes the consumer once the worker, the only thread that used it, has ended.
     */
    @Override
    public void close() {
        metrics.erasureNoticesClosed(context.taskId().partition());
        if (worker != null) {
            worker.shutdownNow();
            ErasureLookups opened = lookups;
            if (opened != null) {
                opened.wakeup();
            }
            try {
                worker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (lookups != null) {
            lookups.close();
        }
        // Kafka Streams may init this very instance again (a task revived after a failure): it starts from the store.
        worker = null;
        lookups = null;
        lookingUp.clear();
    }

    /** A waiting notice's lookups, and when the notice was first read (wall clock). */
    private record Lookup(long readAt, Future<ErasureNotice> located) {
    }
}
