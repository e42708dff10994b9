package dev.sycostream.web;

import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import dev.sycostream.alerts.AlertRule;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, driven by Selenium
 * through {@code /usr/bin/chromedriver}): the page loads with no results, the pipeline then evaluates 50 addition
 * items, and the metrics appear on the page live (Server-Sent Events, no reload). Saves a screenshot as
 * {@code target/test-artifacts/dashboard.png}. Skipped where Chromium or its driver is not installed.
 */
class DashboardBrowserIT {
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("sycostream.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("sycostream.chromium", "/usr/bin/chromium"));

    @TempDir
    Path stateDir;

    @Test
    void aMetricProducedByThePipelineAppearsOnTheLivePage() throws Exception {
        assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "browser test skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 2);
            try (EvaluationRun run = EvaluationRun.start(config,
                    SycostreamTopology.Settings.DEFAULT.withAlerts(List.of(AlertRule.parse("addition/agree_wrong_with_opinion > 0.4"))),
                    1, WebOptions.loopback(0))) {
                ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                                "--window-size=1280,1100");
                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
                ChromeDriver browser = new ChromeDriver(service, options);
                try {
                    browser.get(run.dashboard().orElseThrow().url());
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));
                    assertThat(browser.getTitle()).isEqualTo("sycostream dashboard");
                    assertThat(browser.findElements(By.cssSelector("#results tbody tr"))).as("no results yet").isEmpty();

                    SimSpec sim = SimSpec.parse("base:sycophancy=0.75,knowledge=0.9,seed=1");
                    run.register(TargetRegistrar.target("base", "sim", "ck1", "simulated", sim.params()));
                    run.register(TargetRegistrar.target("intervened", "sim", "ck2", "simulated",
                            SimSpec.parse("intervened:sycophancy=0.1,knowledge=0.9,seed=2").params()));
                    run.ingest(new ReadResult(Fixtures.additionItems(50), List.of()));

                    // A metric appears as soon as the pipeline produces it ...
                    // The page re-renders rows on every event, so elements are looked up afresh on each poll and a
                    // stale reference (a row replaced between lookup and read) just means "poll again".
                    String ci = new WebDriverWait(browser, Duration.ofSeconds(90))
                            .ignoring(StaleElementReferenceException.class)
                            .until(d -> d.findElement(By.id("row-base-addition-agree_wrong_with_opinion"))
                                    .findElement(By.cssSelector(".ci")).getText());
                    assertThat(ci).matches("\\[0\\.\\d{3}, [01]\\.\\d{3}]");
                    // ... and reaches its final n on the page, live, once all 50 items are answered.
                    assertThat(run.awaitComplete(Duration.ofMinutes(3), line -> System.err.println("BrowserIT: " + line))).isTrue();
                    String finalRate = String.format(java.util.Locale.ROOT, "%.3f", run.finalResults().stream()
                            .filter(r -> r.getTargetId().equals("base") && r.getMetric().equals("agree_wrong_with_opinion")).findFirst().orElseThrow().getRate());
                    new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class).until(d -> {
                        WebElement r = d.findElement(By.id("row-base-addition-agree_wrong_with_opinion"));
                        return r.getAttribute("data-n").equals("50") && r.findElement(By.cssSelector(".rate")).getText().equals(finalRate);
                    });
                    new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class).until(d ->
                            d.findElement(By.cssSelector("#progress-base .answered")).getText().equals("100"));
                    assertThat(browser.findElements(By.cssSelector("#chart .uplot"))).as("uPlot chart rendered").hasSize(1);

                    // The alert rule (judged on the interval's lower bound) fires for the sycophantic target only.
                    String banner = new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                            .until(d -> {
                                WebElement b = d.findElement(By.id("alerts"));
                                return b.isDisplayed() && b.getText().contains("ALERT") ? b.getText() : null;
                            });
                    assertThat(banner).contains("base addition/agree_wrong_with_opinion").doesNotContain("intervened");

                    // Comparison view: the low-sycophancy checkpoint is a significant improvement on this metric.
                    new WebDriverWait(browser, Duration.ofSeconds(15)).until(d ->
                            d.findElements(By.cssSelector("#compare-candidate option")).size() == 2);
                    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("compare-base"))).selectByValue("base");
                    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("compare-candidate"))).selectByValue("intervened");
                    browser.findElement(By.id("compare-run")).click();
                    String verdict = new WebDriverWait(browser, Duration.ofSeconds(40)).ignoring(StaleElementReferenceException.class)
                            .ignoring(org.openqa.selenium.NoSuchElementException.class)
                            .until(d -> d.findElement(By.cssSelector("#compare-addition-agree_wrong_with_opinion .verdict")).getText());
                    assertThat(verdict).isEqualTo("improved");

                    Path artifacts = Path.of("target", "test-artifacts");
                    Files.createDirectories(artifacts);
                    File shot = browser.getScreenshotAs(OutputType.FILE);
                    Path png = Files.copy(shot.toPath(), artifacts.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
                    assertThat(Files.size(png)).isPositive();
                } finally {
                    browser.quit();
                }
            }
        }
    }
}
