package dev.consentgate.serde;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for tests and {@code mock://<scope>} URLs. Every serde configured with
 * the same scope in one JVM shares one instance. Like Confluent's registry, ids count up from 1 per
 * scope and one schema gets one id whatever subject it is registered under.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final ConcurrentMap<String, InMemorySchemaRegistry> SCOPES =
            new ConcurrentHashMap<>();

    private final String scope;
    // Keyed by the schema's normalised JSON: Avro writes it deterministically, and unlike the
    // parsing canonical form it keeps defaults and logical types, which readers depend on.
    private final Map<String, Integer> idsByCanonicalForm = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> idsBySubject = new ConcurrentHashMap<>();
    private int lastId;

    private InMemorySchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry for {@code name}, created empty on first use. */
    public static InMemorySchemaRegistry scope(String name) {
        return SCOPES.computeIfAbsent(name, InMemorySchemaRegistry::new);
    }

    /** Forgets the scope; the next {@link #scope(String)} call with that name starts empty. */
    public static void dropScope(String name) {
        SCOPES.remove(name);
    }

    @Override
    public int register(String subject, Schema schema) {
        // Like the HTTP client, answer repeat registrations from a cache: rendering the schema as JSON on
        // every record would make the in-memory registry the slowest part of the pipeline.
        Integer known = registered.get(new SubjectSchema(subject, schema));
        return known != null ? known : registerNew(subject, schema);
    }

    private synchronized int registerNew(String subject, Schema schema) {
        // Synchronized so concurrent first registrations cannot hand out two ids for one schema.
        int id = idsByCanonicalForm.computeIfAbsent(schema.toString(), json -> {
            int next = ++lastId;
            schemasById.put(next, schema);
            return next;
        });
        idsBySubject.computeIfAbsent(subject, s -> ConcurrentHashMap.newKeySet()).add(id);
        registered.put(new SubjectSchema(subject, schema), id);
        return id;
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Integer id = idsByCanonicalForm.get(schema.toString());
        if (id == null || !idsBySubject.getOrDefault(subject, Set.of()).contains(id)) {
            throw new SchemaNotFoundException("Schema " + schema.getFullName()
                    + " is not registered under subject '" + subject + "' in mock scope '" + scope + "'");
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema id " + id + " is not registered in mock scope '"
                    + scope + "'");
        }
        return schema;
    }
}
