using System.Net;
using System.Text;
using Escala.Server.Tests.Support;
using Xunit.Abstractions;

namespace Escala.Server.Tests.Security;

/// <summary>Body limits hold while reading: twenty concurrent 100 MiB posts leave the server process's peak RSS under 300 MB.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MemoryTests(ITestOutputHelper output) : IDisposable
{
    private const long HundredMiB = 100L << 20;
    private readonly TempDirectory _dir = new();

    /// <summary>An endless JSON-looking body, sent chunked (no Content-Length), so the server must stop it while reading.</summary>
    private sealed class HugeJson(string prefix, long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = Encoding.UTF8.GetBytes(prefix);
            await stream.WriteAsync(head);
            var chunk = Encoding.UTF8.GetBytes(new string('x', 64 << 10));
            for (long sent = head.Length; sent < length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task TwentyConcurrent100MiBPosts_Refused413_PeakRssUnder300MB()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, "{}");
        using var server = await ServerProcess.StartAsync(_dir.File("data"), config);
        var before = PeakRssBytes(server.Child.Id);

        var posts = Enumerable.Range(0, 20).Select(async i =>
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(120) };
            var (path, prefix) = (i % 3) switch
            {
                0 => ("/v1/jobs", "{\"kind\":\"noop\",\"args\":\""),
                1 => ("/v1/jobs/batch", "{\"jobs\":[{\"kind\":\"noop\",\"args\":\""),
                _ => ("/v1/workers/complete", "{\"id\":1,\"leaseToken\":\"x\",\"result\":\""),
            };
            using var content = new HugeJson(prefix, HundredMiB);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            try
            {
                using var response = await http.PostAsync(path, content);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 413; // the server answered 413 and closed the connection while we were still sending
            }
        }).ToArray();
        var statuses = await Task.WhenAll(posts);

        Assert.All(statuses, s => Assert.Equal(413, s));
        var peak = PeakRssBytes(server.Child.Id);
        output.WriteLine($"peak RSS {peak >> 20} MB (before the posts: {before >> 20} MB)");
        Assert.True(peak < 300L << 20, $"peak RSS {peak >> 20} MB (before the posts: {before >> 20} MB)");
        using var health = await server.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>VmHWM: the process's peak resident set size so far.</summary>
    private static long PeakRssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public void Dispose() => _dir.Dispose();
}
