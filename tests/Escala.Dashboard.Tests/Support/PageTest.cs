using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Escala.Dashboard.Tests.Support;

/// <summary>
/// A fresh browser page per test, against the shared node. <see cref="RunAsync"/> leaves a screenshot of the
/// page in <c>screenshots/</c> of the test output directory when the test fails (and on request when it passes).
/// </summary>
public abstract class PageTest(DashboardFixture fixture)
{
    /// <summary>How long a page assertion waits for the page to show what it expects (the page polls every 2 s).</summary>
    private const float ExpectTimeoutMs = 20_000;

    protected DashboardFixture Node { get; } = fixture;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    protected async Task RunAsync(Func<IPage, Task> test, bool screenshotOnSuccess = false, Uri? address = null,
        bool expectedConsoleErrors = false, [CallerMemberName] string name = "")
    {
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        await using var context = await Node.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (address ?? Node.Address).ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => consoleErrors.Add(error);
        try
        {
            await test(page);
            // The browser logs every 4xx response as a console error: a test that provokes refusals says so.
            Assert.True(expectedConsoleErrors || consoleErrors.Count == 0, "Console errors: " + string.Join(" | ", consoleErrors));

            if (screenshotOnSuccess)
            {
                await ShotAsync(page, name);
            }
        }
        catch
        {
            await ShotAsync(page, name + "-failure");
            throw;
        }
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }
}
