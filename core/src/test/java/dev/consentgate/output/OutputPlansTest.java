package dev.consentgate.output;

import dev.consentgate.audit.AuditRecords;
import dev.consentgate.enforce.EnforcementDriver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.sample.ContactUpdated;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Every task plans its outputs itself; the plans of one output must still share one schema instance, because the
 * serializer finds a record's writer and schema id by schema, and an equal copy costs a walk of the whole schema per
 * record where the same instance costs a reference check.
 */
class OutputPlansTest {

    private static final String TOPIC = "crm.contacts";
    private static final Policy POLICY =
            PolicyParser.parse("policy.yaml", EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8));
    private static final Schema CONTACT = ContactUpdated.getClassSchema();

    @Test
    void twoTasksPlansOfOneOutputShareItsSchemaInstance() {
        PurposeRule advertising = rule("marketing.advertising");
        Schema firstTask = outputSchema(taskPlans(), CONTACT, advertising, Verdict.PERMIT);
        // The second task's input schema is an equal copy: a decoder of its own would give it one.
        Schema secondTask = outputSchema(taskPlans(),
                new Schema.Parser().parse(CONTACT.toString()), advertising, Verdict.PERMIT);

        assertThat(secondTask).isSameAs(firstTask);
        assertThat(firstTask.getFields()).extracting(Schema.Field::name)
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "email");
    }

    @Test
    void differentOutputsKeepTheirOwnSchemas() {
        OutputPlans plans = taskPlans();
        Schema email = outputSchema(plans, CONTACT, rule("marketing.communications.email"), Verdict.PERMIT);
        Schema reporting = outputSchema(plans, CONTACT, rule("analytics.reporting"), Verdict.REDACT);

        assertThat(email.getFields()).extracting(Schema.Field::name)
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "email", "firstName", "lastName");
        assertThat(reporting.getFields()).extracting(Schema.Field::name)
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "email", "phone", "postalCode", "country", "birthDate");
        assertThat(reporting).isNotEqualTo(email);
    }

    @Test
    void anInputSchemaThatDiffersOnlyInItsDocKeepsItsOwnDocInTheOutput() {
        Schema reworded = new Schema.Parser().parse(CONTACT.toString().replace(CONTACT.getDoc(), "A contact changed."));
        PurposeRule advertising = rule("marketing.advertising");

        Schema original = outputSchema(taskPlans(), CONTACT, advertising, Verdict.PERMIT);
        Schema rewordedOutput = outputSchema(taskPlans(), reworded, advertising, Verdict.PERMIT);

        // Avro's equality ignores docs; the outputs must not.
        assertThat(rewordedOutput).isEqualTo(original).isNotSameAs(original);
        assertThat(rewordedOutput.getDoc()).isEqualTo("A contact changed.");
        assertThat(original.getDoc()).isEqualTo(CONTACT.getDoc());
    }

    private static Schema outputSchema(OutputPlans plans, Schema input, PurposeRule rule, Verdict outcome) {
        return plans.plan(TOPIC, input, rule, outcome).minimization().outputSchema();
    }

    private static PurposeRule rule(String purpose) {
        return POLICY.ruleFor(Purpose.of(purpose)).orElseThrow();
    }

    /** The plans one task's processor makes for itself. */
    private static OutputPlans taskPlans() {
        Map<String, InputMapping> mappings = Map.of(TOPIC, POLICY.input(TOPIC).orElseThrow());
        return new OutputPlans(mappings, AuditRecords::fieldTreatments);
    }
}
