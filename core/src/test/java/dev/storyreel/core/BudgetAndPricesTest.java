package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetAndPricesTest {

  @Test
  void aCallThatWouldExceedTheBudgetFailsBeforeSpendingAndReleasedMoneyIsFreeAgain() {
    Budget b = new Budget(new BigDecimal("0.10"));
    Budget.Reservation r1 = b.reserve(new BigDecimal("0.06"), "openai for segment 0");
    assertThatThrownBy(() -> b.reserve(new BigDecimal("0.05"), "replicate for segment 1"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("replicate for segment 1").hasMessageContaining("--budget-usd");
    r1.release();
    b.reserve(new BigDecimal("0.05"), "replicate for segment 1").settle(new BigDecimal("0.04"));
    assertThat(b.spentUsd()).isEqualByComparingTo("0.04");
  }

  @Test
  void pricesAreComputedPerUnitAndCanBeOverriddenFromAFile(@TempDir Path dir) throws Exception {
    PriceTable t = PriceTable.defaults();
    assertThat(t.priced("openai", "tts-1", Usage.characters(1000)).estimatedCostUsd())
        .isEqualByComparingTo("0.015");
    assertThat(t.priced("openai", "whisper-1", Usage.audio(Duration.ofSeconds(30)))
        .estimatedCostUsd()).isEqualByComparingTo("0.003");
    assertThat(t.priced("freetts", "kevin16", Usage.characters(1000)).estimatedCostUsd())
        .isEqualByComparingTo("0");
    Path f = dir.resolve("p.properties");
    Files.writeString(f, "openai/tts-1.usdPerMillionCharacters=30\n");
    assertThat(t.load(f).priced("openai", "tts-1", Usage.characters(1000)).estimatedCostUsd())
        .isEqualByComparingTo("0.03");
    Files.writeString(f, "openai/tts-1.perChar=30\n");
    assertThatThrownBy(() -> t.load(f)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("perChar");
  }
}
