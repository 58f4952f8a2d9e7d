using System.Net.Http.Headers;
using Escala.Security;
using Escala.Server.Security;
using Escala.Server.Tests.Support;
using Escala.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Security;

/// <summary>
/// A node that requires keys (open mode off), with keys made in its store: tenant <c>a</c> and <c>b</c>
/// with submit+read, and single-scope keys of tenant <c>a</c>.
/// </summary>
public abstract class SecureNodeTest : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Security:Open"] = "false",
    };

    internal IKeyStore Keys => Node.App.Services.GetRequiredService<IKeyStore>();

    /// <summary>Creates a key in the store and returns its text.</summary>
    internal async Task<string> KeyAsync(string tenant, string scopes, string[]? queues = null)
    {
        var request = KeyRequest.Validate("test", tenant, scopes.Split(','), queues, null);
        Assert.Empty(request.Errors);
        var (key, text) = KeyRequest.NewKey(request, DateTimeOffset.UtcNow);
        await Keys.CreateKeyAsync(key, CancellationToken.None);
        return text;
    }

    /// <summary>Jobs in the node's store, in every state and tenant: a refusal must leave it unchanged.</summary>
    internal async Task<long> CountJobsAsync() =>
        (await Node.App.Services.GetRequiredService<IJobStore>().CountByQueueAsync(null, CancellationToken.None))
            .Sum(queue => Escala.Jobs.JobStates.All.Sum(state => queue[state]));

    /// <summary>A client for the node that sends <paramref name="key"/> (none when null).</summary>
    internal HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    internal static string IdOf(string keyText) => ApiKeySecrets.TryParse(keyText, out var id, out _) ? id : throw new ArgumentException("not a key");
}
