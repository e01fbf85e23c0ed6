package dev.consentgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public schema stays BACKWARD compatible with its last released version: a consumer on the
 * new schema reads what producers wrote with the released one. When a schema is released, copy its
 * .avsc to src/test/resources/released/.
 */
class SchemaEvolutionTest {

    /** Named types other schemas refer to: parsed first, in this order. */
    private static final List<String> SHARED_TYPES = List.of(
            "ConsentStatus.avsc", "ConsentRecordUsed.avsc", "FieldTreatment.avsc", "PurposeDecision.avsc", "ReviewOutcome.avsc");

    static Stream<String> publicSchemas() {
        return Stream.of("ConsentEvent", "DecisionRecord", "ContactUpdated", "EmailEngagement", "LeadScoringFeatures");
    }

    @ParameterizedTest
    @MethodSource("publicSchemas")
    void currentSchemaReadsDataWrittenWithItsReleasedVersion(String name) throws IOException {
        Schema current = parse(Path.of("src/main/avro"), name);
        Schema released = parse(Path.of("src/test/resources/released"), name);

        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        assertThat(result.getType())
                .as("%s must stay BACKWARD compatible: %s", name, result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void addingARequiredFieldWithoutDefaultIsCaught() throws IOException {
        Schema released = parse(Path.of("src/test/resources/released"), "ConsentEvent");
        String json = released.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},");
        Schema changed = new Schema.Parser().parse(json);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void theChainLinkStaysTheLastFieldOfTheAuditRecordAndEndsWithBothHashes() {
        // Auditors find previousHash and hash as the last 64 bytes of an audit value (docs/audit.md).
        Schema audit = dev.consentgate.schema.DecisionRecord.getClassSchema();
        List<Schema.Field> fields = audit.getFields();
        Schema.Field last = fields.get(fields.size() - 1);
        assertThat(last.name()).isEqualTo("chain");
        List<Schema.Field> link = last.schema().getFields();
        assertThat(link).extracting(Schema.Field::name).containsExactly("sequence", "previousHash", "hash");
        assertThat(link.subList(1, 3)).allSatisfy(f -> {
            assertThat(f.schema().getType()).isEqualTo(Schema.Type.FIXED);
            assertThat(f.schema().getFixedSize()).isEqualTo(32);
        });
    }

    @Test
    void generatedClassesUseTheCommittedSchemas() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/avro/ConsentEvent.avsc")) {
            assertThat(in).isNotNull();
        }
        // Generated classes add Java-only properties (avro.java.string); the parsing form ignores them.
        assertThat(SchemaNormalization.toParsingForm(dev.consentgate.schema.ConsentEvent.getClassSchema()))
                .isEqualTo(SchemaNormalization.toParsingForm(parse(Path.of("src/main/avro"), "ConsentEvent")));
    }

    private static Schema parse(Path dir, String name) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String shared : SHARED_TYPES) {
            Path file = dir.resolve(shared);
            if (Files.exists(file) && !shared.equals(name + ".avsc")) {
                parser.parse(file.toFile());
            }
        }
        return parser.parse(dir.resolve(name + ".avsc").toFile());
    }
}
