package dev.consentgate.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.serde.ConfluentAvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The consent join a platform team would write by hand in Kafka Streams' DSL instead of running ConsentGate: each
 * customer's latest consent per purpose in a KTable aggregated from the consent topic, the contacts left-joined to it,
 * and per purpose a filter and a field drop before {@code to()}, the rules copied by hand from the example policy.
 * It writes the same purpose records as enforcement on the benchmark's workload ({@code HandWrittenJoinTest}) and is
 * the comparison users ask for: what does ConsentGate cost against the join I would write myself?
 *
 * <p>It is much less correct, as such joins are: consent is the latest at processing time, not as of the event's time;
 * no history, expiry, erasure, purpose hierarchy beyond the one the workload uses, redaction, audit or dead letters; a
 * field nobody listed passes; a record that cannot be read stops the app.
 */
final class HandWrittenJoinTopology {

    private static final String PURPOSE_TOPIC_PREFIX = "crm.purpose.";
    private static final Set<String> ENVELOPE = Set.of("eventId", "customerId", "occurredAt", "purposes");
    private static final String MARKETING = "marketing";

    /** One purpose: when it may see the event, and which fields besides the envelope it keeps (null: every field). */
    private record Route(String purpose, Predicate<CustomerConsents> allowed, Set<String> fields) {
    }

    /** The example policy's rules for the contacts topic, as a team would transcribe them. */
    private static final List<Route> ROUTES = List.of(
            new Route("marketing.communications.email", consents -> consents.granted(MARKETING),
                    Set.of("email", "firstName", "lastName")),
            new Route("analytics.reporting", consents -> !consents.objected("analytics.reporting"), null),
            new Route("personalize.profiling", consents -> !consents.objected("personalize.profiling"),
                    Set.of("email", "firstName", "lastName", "phone", "postalCode", "country", "lifecycleStage")),
            // Sharing for advertising is allowed in California until the customer opts out.
            new Route("marketing.advertising", consents -> consents.granted(MARKETING)
                    || ("US-CA".equals(consents.jurisdiction()) && consents.status(MARKETING) == null), Set.of("email")),
            new Route("sales.prospecting", consents -> !consents.objected("sales.prospecting"),
                    Set.of("email", "firstName", "lastName", "phone")),
            new Route("essential.service", consents -> true, null));

    private HandWrittenJoinTopology() {
    }

    /** {@code registry} holds {@code schema.registry.url}, for the Avro serde of the inputs and outputs. */
    static Topology build(Map<String, ?> registry) {
        Serde<Object> avro = new ConfluentAvroSerde();
        avro.configure(registry, false);
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, CustomerConsents> consents = builder.stream(Topics.CONSENT, Consumed.with(Serdes.String(), avro))
                .groupByKey(Grouped.as("consents-by-customer"))
                .aggregate(CustomerConsents::none, (customer, event, current) -> current.with((GenericRecord) event),
                        Materialized.<String, CustomerConsents, KeyValueStore<Bytes, byte[]>>as("consents")
                                .withKeySerde(Serdes.String()).withValueSerde(CustomerConsents.SERDE));
        KStream<String, ConsentedEvent> joined = builder.stream(Topics.CONTACTS, Consumed.with(Serdes.String(), avro))
                .leftJoin(consents, (event, customer) -> new ConsentedEvent((GenericRecord) event,
                        customer == null ? CustomerConsents.none() : customer),
                        Joined.<String, Object, CustomerConsents>with(Serdes.String(), avro, CustomerConsents.SERDE).withName("join-consents"));
        for (Route route : ROUTES) {
            joined.filter((customer, event) -> event.declares(route.purpose()) && route.allowed().test(event.consents()),
                            Named.as("allowed-" + route.purpose()))
                    .mapValues(event -> (Object) keepOnly(event.event(), route.fields()), Named.as("minimize-" + route.purpose()))
                    .to(PURPOSE_TOPIC_PREFIX + route.purpose(), Produced.with(Serdes.String(), avro));
        }
        return builder.build();
    }

    private static GenericRecord keepOnly(GenericRecord event, Set<String> fields) {
        if (fields == null) {
            return event;
        }
        GenericData.Record kept = new GenericData.Record(event.getSchema());
        for (var field : event.getSchema().getFields()) {
            if (ENVELOPE.contains(field.name()) || fields.contains(field.name())) {
                kept.put(field.pos(), event.get(field.pos()));
            }
        }
        return kept;
    }

    private record ConsentedEvent(GenericRecord event, CustomerConsents consents) {

        boolean declares(String purpose) {
            Object purposes = event.get("purposes");
            return purposes instanceof List<?> list && list.stream().anyMatch(p -> p.toString().equals(purpose));
        }
    }

    /** A customer's latest status per purpose and latest jurisdiction, as JSON in the KTable's store. */
    record CustomerConsents(String jurisdiction, Map<String, String> statuses) {

        private static final ObjectMapper JSON = new ObjectMapper();
        static final Serde<CustomerConsents> SERDE = Serdes.serdeFrom(
                (topic, consents) -> write(consents), (topic, bytes) -> read(bytes));

        static CustomerConsents none() {
            return new CustomerConsents(null, Map.of());
        }

        CustomerConsents with(GenericRecord consent) {
            Map<String, String> next = new HashMap<>(statuses);
            next.put(consent.get("purpose").toString(), consent.get("status").toString());
            Object newJurisdiction = consent.get("jurisdiction");
            return new CustomerConsents(newJurisdiction == null ? jurisdiction : newJurisdiction.toString(), next);
        }

        String status(String purpose) {
            return statuses.get(purpose);
        }

        boolean granted(String purpose) {
            return "GRANTED".equals(statuses.get(purpose));
        }

        boolean objected(String purpose) {
            String status = statuses.get(purpose);
            return "DENIED".equals(status) || "WITHDRAWN".equals(status);
        }

        private static byte[] write(CustomerConsents consents) {
            try {
                return JSON.writeValueAsBytes(consents);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static CustomerConsents read(byte[] bytes) {
            try {
                return bytes == null ? null : JSON.readValue(bytes, CustomerConsents.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
