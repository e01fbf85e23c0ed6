package dev.consentgate.bench.e2e;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.serde.InMemorySchemaRegistry;

/**
 * The in-memory registry ({@code mock://}) lives in one JVM, but the loader and the app under test
 * run in different JVMs. Each registers the input schemas first, in this order, so both registries
 * give them the same ids (ids count up from 1 per scope) and the app reads what the loader wrote.
 */
final class BenchSchemas {

    static final String SCOPE = "consentgate-bench";
    static final String REGISTRY_URL = "mock://" + SCOPE;

    private BenchSchemas() {
    }

    static void registerInputSchemas() {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);
        int consentId = registry.register(Topics.CONSENT + "-value", ConsentEvent.getClassSchema());
        int contactId = registry.register(Topics.CONTACTS + "-value", ContactUpdated.getClassSchema());
        if (consentId != 1 || contactId != 2) {
            throw new IllegalStateException("the input schemas must be the first registered in the scope, got ids "
                    + consentId + " and " + contactId);
        }
    }
}
