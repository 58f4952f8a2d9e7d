using System.Net.Http.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>
/// A node watches no files and writes none outside its data directory. The host's defaults watch the working directory and everything under it for
/// configuration changes; with the data directory below it, every write to the database woke that watcher
/// (and started from <c>/</c> it placed one inotify watch per directory of the machine). Linux only, as the product.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FileWatchTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Serve_WritesNothingInTheHomeDirectory()
    {
        // ASP.NET Core's data protection (brought by authentication) created ~/.aspnet/DataProtection-Keys/key-*.xml
        // at start-up: a key file outside the data directory, and the XML and OpenSSL libraries in the node's memory.
        var home = Directory.CreateDirectory(_dir.File("home")).FullName;
        Directory.CreateDirectory(_dir.File("data"));
        using (var server = await ServerProcess.StartInAsync(_dir.Path, new Dictionary<string, string?> { ["HOME"] = home }, "--data", _dir.File("data")))
        {
            using var submitted = await server.Http.PostAsync("/v1/jobs?wait=10s", JsonContent.Create(new { kind = "noop" }));
            Assert.Equal("completed", EscalaApi.State(await EscalaApi.ReadAsync(submitted)));
            server.Child.Terminate();
            Assert.True(await server.Child.WaitForExitAsync(TimeSpan.FromSeconds(30)), server.Child.Output);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Serve_DataBelowTheWorkingDirectory_HoldsNoInotifyWatch()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, "{}");
        Directory.CreateDirectory(_dir.File("data"));
        using var server = await ServerProcess.StartInAsync(_dir.Path, "--data", _dir.File("data"), "--config", config);
        var submitted = await server.Http.PostAsync("/v1/jobs", JsonContent.Create(new { kind = "noop" }));
        submitted.EnsureSuccessStatusCode();

        var watches = Directory.GetFiles($"/proc/{server.Child.Id}/fd")
            .Where(fd => new FileInfo(fd).LinkTarget == "anon_inode:inotify")
            .Sum(fd => File.ReadLines($"/proc/{server.Child.Id}/fdinfo/{Path.GetFileName(fd)}").Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
        Assert.Equal(0, watches);
    }

    public void Dispose() => _dir.Dispose();
}
