package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PurposeTest {

    @Test
    void allOfKeepsTheKeysOrderAndDuplicates() {
        assertThat(Purpose.allOf(List.of("marketing.communications.email", "analytics.reporting", "marketing.communications.email")))
                .containsExactly(Purpose.of("marketing.communications.email"), Purpose.of("analytics.reporting"),
                        Purpose.of("marketing.communications.email"));
        assertThat(Purpose.allOf(List.of())).isEmpty();
    }

    @Test
    void allOfRejectsAKeyThatIsNoPurposeAsOfDoes() {
        assertThatThrownBy(() -> Purpose.allOf(List.of("analytics.reporting", "Marketing Emails")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("purpose 'Marketing Emails' is not a dotted key of lowercase words (e.g. marketing.communications.email)");
    }
}
