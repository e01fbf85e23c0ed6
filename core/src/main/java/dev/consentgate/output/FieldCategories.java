package dev.consentgate.output;

import dev.consentgate.serde.AvroValues;
import dev.consentgate.policy.DataCategory;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.ValueSource;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * The data category of every data field of an input schema, at any depth, as one input topic's mapping
 * sees it. A field's category is its own (the policy's {@code categories:} path, else the schema's
 * {@code data_category} property, on the field or on its type), else its parent field's, else {@code user}: personal data of
 * unknown kind, so that nothing the schema or the policy leaves unnamed passes where personal data may
 * not. Nested records are walked into (optional ones too). A field that is not walked into field by field
 * (an array, a map, a union of several non-null branches, a record that holds itself) is kept or removed
 * whole: {@code whole} lists every category its values can hold, at any depth, each nested field's
 * category found as above (its own, else its parent's), inside array items and map values too
 * ({@code items.sku}). The fields the envelope reads as event id, event time and purposes describe the
 * event and are left out: they pass everywhere, so an event id field that the schema or the mapping names personal is
 * refused.
 *
 * @param byPath          field path (dotted below the top) → category, for every leaf data field, in schema order
 * @param whole           for each leaf of {@code byPath} that is not a single scalar value: its own category and every
 *                        category inside it, in schema order; it passes unchanged only if all of them do
 * @param unmatchedPaths  the mapping's {@code categories:} paths that name no field of the schema, sorted
 * @param customerId      the category of the customer id: its field's, or {@code user.unique_id} when it is read
 *                        from the key or a header; it decides whether a purpose sees the record key in the clear
 */
public record FieldCategories(Map<String, DataCategory> byPath, Map<String, Set<DataCategory>> whole, Set<String> unmatchedPaths,
        DataCategory customerId) {

    /** The category of a customer id that no field carries. */
    static final DataCategory UNIQUE_ID = DataCategory.of("user.unique_id");

    /** The Avro field property that names a field's data category. */
    static final String CATEGORY_PROPERTY = "data_category";

    public FieldCategories {
        byPath = Collections.unmodifiableMap(new LinkedHashMap<>(byPath));
        Map<String, Set<DataCategory>> wholeCopy = new LinkedHashMap<>();
        whole.forEach((path, categories) -> wholeCopy.put(path, Collections.unmodifiableSet(new LinkedHashSet<>(categories))));
        whole = Collections.unmodifiableMap(wholeCopy);
        unmatchedPaths = Set.copyOf(unmatchedPaths);
    }

    /**
     * @param mapping the input topic's mapping; null for a topic without one (nothing mapped, no envelope fields)
     * @throws IllegalArgumentException when a {@code data_category} property is not a valid category
     * @throws PersonalEnvelopeField when the event id field is named personal data
     */
    public static FieldCategories of(Schema schema, InputMapping mapping) {
        Map<String, DataCategory> mapped = mapping == null ? Map.of() : mapping.fieldCategories();
        Set<String> envelope = mapping == null ? Set.of() : mapping.envelopeFields();
        String eventIdPath = mapping == null ? null : mapping.eventId()
                .filter(source -> source.kind() == ValueSource.Kind.FIELD).map(ValueSource::name).orElse(null);
        Walk walk = new Walk(mapped, envelope, eventIdPath);
        walk.record(schema, "", null);
        Set<String> unmatched = new TreeSet<>(mapped.keySet());
        unmatched.removeAll(walk.seenPaths);
        DataCategory customerId = mapping != null && mapping.customerId().kind() == ValueSource.Kind.FIELD
                ? walk.byPath.getOrDefault(mapping.customerId().name(), DataCategory.PERSONAL)
                : UNIQUE_ID;
        return new FieldCategories(walk.byPath, walk.whole, unmatched, customerId);
    }

    /**
     * The record a field of this schema holds, for a record or an optional record ({@code ["null", Rec]}); null for
     * anything else, whose category then covers it whole.
     */
    static Schema nestedRecord(Schema schema) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION && schema.getTypes().size() == 2 && AvroValues.isNullable(schema)) {
            Schema other = AvroValues.nonNull(schema);
            return other.getType() == Schema.Type.RECORD ? other : null;
        }
        return null;
    }

    /**
     * True for a schema whose values are one scalar (optional or not): what a redaction method can transform. Records,
     * arrays, maps and unions of several non-null branches are not.
     */
    static boolean isScalar(Schema schema) {
        Schema value = schema;
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> nonNull = schema.getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL).toList();
            if (nonNull.size() != 1) {
                return false;
            }
            value = nonNull.get(0);
        }
        return switch (value.getType()) {
            case RECORD, ARRAY, MAP, UNION -> false;
            default -> true;
        };
    }

    /**
     * The field the event id is read from, named personal data by the schema or the mapping (its own category or its
     * parent's): the event id passes to every purpose and into the audit topic in the clear, so such a schema cannot be
     * enforced.
     */
    public static final class PersonalEnvelopeField extends IllegalArgumentException {

        private final String path;
        private final DataCategory category;

        PersonalEnvelopeField(String path, DataCategory category) {
            super("the event id field " + path + " is categorized " + category);
            this.path = path;
            this.category = category;
        }

        public String path() {
            return path;
        }

        public DataCategory category() {
            return category;
        }
    }

    /** One walk over a schema's fields, depth first. */
    private static final class Walk {

        private final Map<String, DataCategory> mapped;
        private final Set<String> envelope;
        /** The field the event id is read from; null when it comes from elsewhere. */
        private final String eventIdPath;
        private final Map<String, DataCategory> byPath = new LinkedHashMap<>();
        private final Map<String, Set<DataCategory>> whole = new LinkedHashMap<>();
        private final Set<String> seenPaths = new HashSet<>();
        /** The records being walked: a record that holds itself is not walked into again. */
        private final Deque<String> recordsOnPath = new ArrayDeque<>();

        Walk(Map<String, DataCategory> mapped, Set<String> envelope, String eventIdPath) {
            this.mapped = mapped;
            this.envelope = envelope;
            this.eventIdPath = eventIdPath;
        }

        void record(Schema record, String prefix, DataCategory inherited) {
            recordsOnPath.push(record.getFullName());
            for (Schema.Field field : record.getFields()) {
                String path = prefix + field.name();
                seenPaths.add(path);
                DataCategory own = mapped.containsKey(path) ? mapped.get(path) : declared(field, inherited);
                DataCategory category = own != null ? own : inherited;
                if (envelope.contains(path)) {
                    if (path.equals(eventIdPath) && category != null && category.isPersonal()) {
                        throw new PersonalEnvelopeField(path, category);
                    }
                    continue;
                }
                Schema nested = nestedRecord(field.schema());
                if (nested != null && !recordsOnPath.contains(nested.getFullName())) {
                    record(nested, path + ".", category);
                } else {
                    DataCategory leaf = category != null ? category : DataCategory.PERSONAL;
                    byPath.put(path, leaf);
                    if (!isScalar(field.schema())) {
                        Set<DataCategory> held = new LinkedHashSet<>();
                        held.add(leaf);
                        contents(field.schema(), path + ".", leaf, held, new HashSet<>());
                        whole.put(path, held);
                    }
                }
            }
            recordsOnPath.pop();
        }

        /**
         * Adds to {@code held} the category of every field inside values of {@code schema}, at any depth: a field's own,
         * else {@code enclosing}'s; a type that names a category of its own adds it too. A record type (one used in
         * several places, or one that holds itself) is skipped only where it was walked before in the same category
         * context with no mapping path below: that walk added what this one would. Where a mapping path names a field
         * below, the walk adds that field's mapped category instead of its schema's, so it vouches for no other place.
         */
        private void contents(Schema schema, String prefix, DataCategory enclosing, Set<DataCategory> held, Set<String> walked) {
            DataCategory typed = unlessItLoosens(typeCategory(schema), enclosing);
            DataCategory context = typed != null ? typed : enclosing;
            held.add(context);
            switch (schema.getType()) {
                case RECORD -> {
                    if (!mappedBelow(prefix) && !walked.add(schema.getFullName() + " " + context)) {
                        return;
                    }
                    for (Schema.Field field : schema.getFields()) {
                        String path = prefix + field.name();
                        seenPaths.add(path);
                        DataCategory own = mapped.containsKey(path) ? mapped.get(path) : declared(field, context);
                        DataCategory category = own != null ? own : context;
                        held.add(category);
                        contents(field.schema(), path + ".", category, held, walked);
                    }
                }
                case UNION -> schema.getTypes().forEach(branch -> contents(branch, prefix, context, held, walked));
                case ARRAY -> contents(schema.getElementType(), prefix, context, held, walked);
                case MAP -> contents(schema.getValueType(), prefix, context, held, walked);
                default -> {
                }
            }
        }

        private boolean mappedBelow(String prefix) {
            return mapped.keySet().stream().anyMatch(path -> path.startsWith(prefix));
        }

        /**
         * The field's category as the schema declares it: on the field, else on its type (Avro IDL puts it there), unless
         * that would loosen the category it inherits.
         */
        private static DataCategory declared(Schema.Field field, DataCategory inherited) {
            Object declared = field.getObjectProp(CATEGORY_PROPERTY);
            return declared != null ? DataCategory.of(declared.toString()) : unlessItLoosens(typeCategory(field.schema()), inherited);
        }

        /**
         * A type's category, unless it would take its value out of a personal category it inherits (a type marked
         * {@code system.operations} used under a {@code user.contact} field): a type is shared, the field's context is not.
         */
        private static DataCategory unlessItLoosens(DataCategory typed, DataCategory inherited) {
            return typed != null && inherited != null && inherited.isPersonal() && !typed.isPersonal() ? null : typed;
        }

        /** The category a type declares itself, or the one non-null branch of an optional type does; null if none. */
        private static DataCategory typeCategory(Schema schema) {
            Schema value = schema.getType() == Schema.Type.UNION && schema.getTypes().size() == 2 && AvroValues.isNullable(schema)
                    ? AvroValues.nonNull(schema) : schema;
            Object declared = value.getObjectProp(CATEGORY_PROPERTY);
            return declared == null ? null : DataCategory.of(declared.toString());
        }
    }
}
