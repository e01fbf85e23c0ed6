package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An input's {@code signals}: where its events carry a TC string, a GPP string, a GPC flag; every bad mapping refused. */
class InputSignalsTest {

    private static final String POLICY = """
            version: "1"
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact]
            signals:
              gpp: { usnat: { sale: [marketing] } }
            inputs:
              - topic: crm.contacts
                customer_id: { field: customerId }
                purposes: { field: purposes }
            """;
    // The input's next key is on line 12.

    @Test
    void anInputNamesWhereItsEventsCarryEachSignal() {
        Policy policy = parse(POLICY + """
                    signals: { tcf: { header: x-tc-string }, gpp: { field: consent.gpp }, gpc: { header: sec-gpc } }
                """);

        assertThat(policy.input("crm.contacts").orElseThrow().signals()).isEqualTo(new SignalSources(
                Optional.of(ValueSource.header("x-tc-string")), Optional.of(ValueSource.field("consent.gpp")),
                Optional.of(ValueSource.header("sec-gpc"))));
    }

    @Test
    void anInputWithoutSignalsCarriesNone() {
        assertThat(parse(POLICY).input("crm.contacts").orElseThrow().signals()).isEqualTo(SignalSources.NONE);
    }

    @Test
    void signalsOfAnInputWithoutASignalsSectionAreRefused() {
        String withoutSection = POLICY.replace("signals:\n  gpp: { usnat: { sale: [marketing] } }\n", "") + """
                    signals: { gpc: { header: sec-gpc } }
                """;

        assertThat(problems(withoutSection)).containsExactly("policy.yaml:10: signals of input crm.contacts name where its events carry"
                + " privacy signals, but the policy has no signals section to say what they mean: add one (see signals: tcf, gpp, gpc)"
                + " or remove these signals");
    }

    @Test
    void anUnknownSignalAWrongKindOfSourceAndAnEmptyMappingAreRefused() {
        assertThat(problems(POLICY + """
                    signals:
                      usp: { header: x-usp }
                      tcf: { key: true }
                      gpc: { header: sec-gpc, field: gpc }
                """)).containsExactly(
                "policy.yaml:13: unknown key 'usp' in signals of input crm.contacts: expected one of tcf, gpp, gpc",
                "policy.yaml:14: key is not allowed for signals.tcf of input crm.contacts: expected one of field, header",
                "policy.yaml:15: signals.gpc of input crm.contacts must have exactly one of field, header, found header and field");
        assertThat(problems(POLICY + """
                    signals: {}
                """)).containsExactly("policy.yaml:12: signals of input crm.contacts must name at least one of tcf, gpp, gpc");
    }

    private static Policy parse(String yaml) {
        return PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> problems(String yaml) {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> parse(yaml));
        assertThat(e).as("parsing should fail").isNotNull();
        return e.problems().stream().map(p -> p.format("policy.yaml")).toList();
    }
}
