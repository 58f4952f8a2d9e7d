using Escala.Dashboard.Tests.Support;
using Escala.Security;
using Escala.Server.Security;
using Escala.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Escala.Dashboard.Tests;

/// <summary>With API keys required, the page asks for a key, keeps it in the tab, and sends it as a Bearer token.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LoginTests(DashboardFixture fixture) : PageTest(fixture), IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "escala-dashboard-keys-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private Uri _address = null!;

    public async Task InitializeAsync() =>
        (_app, _address) = await DashboardFixture.StartNodeAsync(_data, new Dictionary<string, string?> { ["Security:Open"] = "false" });

    [Fact]
    public Task KeysRequired_PageAsksForAKey_ThenShowsTheOverview() => RunAsync(async page =>
    {
        var readOnly = await KeyAsync("read");
        var admin = await KeyAsync("read,submit,admin");

        await page.GotoAsync("/");
        var login = page.GetByTestId("login");
        await Expect(login).ToBeVisibleAsync();
        await page.Locator("#login-key").FillAsync("esk_not-a-real-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("refused");

        await page.Locator("#login-key").FillAsync(readOnly);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.GetByTestId("nodes")).ToContainTextAsync("dash-test");
        await Expect(login).Not.ToBeVisibleAsync();

        // A read-only key sees the queues but may not pause one: the refusal is shown, nothing changes.
        await page.GotoAsync("/#/queues");
        await page.GetByTestId("queue-default").GetByTestId("pause").ClickAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("admin");
        await Expect(page.GetByTestId("queue-default").GetByTestId("queue-status")).ToHaveTextAsync("running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Change key" }).ClickAsync();
        await Expect(login).ToBeVisibleAsync();
        await page.Locator("#login-key").FillAsync(admin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await page.GotoAsync("/#/queues");
        await page.GetByTestId("queue-default").GetByTestId("pause").ClickAsync();
        await Expect(page.GetByTestId("queue-default").GetByTestId("queue-status")).ToHaveTextAsync("paused");
    }, address: _address, expectedConsoleErrors: true);

    private async Task<string> KeyAsync(string scopes)
    {
        var request = KeyRequest.Validate("dashboard", "default", scopes.Split(','), null, null);
        Assert.Empty(request.Errors);
        var (key, text) = KeyRequest.NewKey(request, DateTimeOffset.UtcNow);
        await _app!.Services.GetRequiredService<IKeyStore>().CreateKeyAsync(key, CancellationToken.None);
        return text;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
