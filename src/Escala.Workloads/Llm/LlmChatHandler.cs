using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using Escala.Configuration;
using Escala.Execution;
using Escala.Governance.Tokens;
using Escala.Storage;
using Microsoft.Extensions.AI;

namespace Escala.Workloads.Llm;

/// <summary>
/// The <c>llm.chat</c> kind: one chat completion against a configured model through Microsoft.Extensions.AI's
/// OpenAI-compatible client. The job needs the model's resource (<c>llm</c> by default), so admission applies its
/// concurrency, rate, token budget, breaker and 429 pauses before a worker is taken. The call goes to the model's
/// next endpoint whose breaker is closed, else to its fallback model. Streamed tokens are published as the job's
/// progress (<see cref="TokenStream"/>); the result is an <see cref="LlmChatResult"/>.
/// </summary>
/// <remarks>
/// 429 is transient and its <c>Retry-After</c> (or <c>x-ratelimit-reset-tokens</c>) pauses the resource cluster-wide;
/// when it also says how many tokens the provider has left (<c>x-ratelimit-remaining-tokens</c>), the resource's token
/// ledger is brought down to that until the provider's reset (<see cref="AlignWithProviderAsync"/>);
/// 5xx, 408, timeouts and network errors are transient and count against the endpoint's breaker; other statuses
/// are permanent. Error messages name the endpoint (<c>llm.qwen.0</c>) and status only, never the provider's text
/// (it can echo the key or the prompt).
/// </remarks>
/// <param name="clients">The configured models.</param>
/// <param name="metrics">Where calls are counted.</param>
/// <param name="time">The clock of breakers and timings.</param>
/// <param name="store">When it keeps a token ledger, each call's actual usage settles the estimate admission reserved.</param>
/// <param name="options">The resources, whose token budgets a provider's 429 corrects.</param>
public sealed class LlmChatHandler(LlmClients clients, LlmMetrics metrics, TimeProvider time, IJobStore? store = null, EscalaOptions? options = null) : IJobHandler
{
    private readonly ITokenLedger? _ledger = store as ITokenLedger;
    private readonly IReadOnlyDictionary<string, ResourceOptions> _resources = options?.Resources ?? new Dictionary<string, ResourceOptions>();

    /// <summary>How often streamed tokens are published. 50 ms.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public string Kind => ModelDefaults.Kind;

    /// <inheritdoc />
    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var args = LlmChatArgs.Parse(context.Args, clients);
        var route = clients.Route(args.Model, time.GetUtcNow())
            ?? throw new TransientJobException($"llm.chat: every endpoint of {args.Model} has its breaker open" +
                (clients.Find(args.Model)!.Settings.Fallback is { } f ? $", and of its fallback {f}." : "."));
        var (pool, endpoint) = route;
        var fallbackFrom = pool.Settings.Name == args.Model ? null : args.Model;
        if (fallbackFrom is not null)
        {
            metrics.FellBack(args.Model, pool.Settings.Name);
        }

        // The reservation counts from the moment the call goes out, not from the lease that admitted it. The stamp is
        // written while the call is made, not before it: behind a busy writer the write can take longer than the guard.
        var callAt = time.GetUtcNow();
        var restamped = LedgerAsync(l => l.RestampTokensAsync(context.JobId, callAt, CancellationToken.None));
        var started = time.GetTimestamp();
        try
        {
            var (text, finish, usage, firstToken) = args.Stream
                ? await StreamAsync(context, endpoint.Client, args, cancellationToken)
                : await CompleteAsync(endpoint.Client, args, cancellationToken);
            endpoint.Breaker.Succeeded();
            var duration = time.GetElapsedTime(started);
            var result = new LlmChatResult(pool.Settings.Name, endpoint.Name, new LlmMessage("assistant", text), finish,
                usage, (firstToken ?? duration).TotalMilliseconds, duration.TotalMilliseconds, fallbackFrom);
            metrics.Answered(pool.Settings.Name, context.Tenant, usage, firstToken ?? duration, duration);

            // The provider had the call when its reply began: from then the usage counts a whole window (ours is the
            // window plus the guard), however long the call took to reach it on a busy machine or network.
            var seen = callAt + (firstToken ?? duration) - TokenWindow.Guard;
            await restamped;
            await LedgerAsync(l => l.SettleTokensAsync(context.JobId, usage.TotalTokens, seen, CancellationToken.None));
            return result;
        }
        catch (ClientResultException ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.Failed(pool.Settings.Name, ex.Status.ToString(CultureInfo.InvariantCulture), time.GetElapsedTime(started));

            // The provider refused the call before generating anything: it used no tokens.
            await restamped;
            await LedgerAsync(l => l.SettleTokensAsync(context.JobId, 0, callAt, CancellationToken.None));
            if (ex.Status == 429)
            {
                await LedgerAsync(l => AlignWithProviderAsync(l, pool.Settings.Resource, ex.GetRawResponse()));
            }

            throw Classify(endpoint, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            metrics.Failed(pool.Settings.Name, "network", time.GetElapsedTime(started));
            endpoint.Breaker.Failed(time.GetUtcNow());
            throw new TransientJobException($"llm.chat: {endpoint.Name} could not be reached ({ex.GetType().Name}).", inner: ex);
        }
        catch
        {
            endpoint.Breaker.Released();
            throw;
        }
        finally
        {
            await restamped;
        }
    }

    /// <summary>
    /// Restamps or settles the job's token reservation. Best effort: when the store cannot be reached the reservation stays
    /// as admission made it (the estimate, from the lease), which errs on the safe side.
    /// </summary>
    private async Task LedgerAsync(Func<ITokenLedger, Task> write)
    {
        if (_ledger is null)
        {
            return;
        }

        try
        {
            await write(_ledger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }
    }

    /// <summary>
    /// A 429 saying the provider has <c>x-ratelimit-remaining-tokens</c> left until <c>x-ratelimit-reset-tokens</c> (else
    /// <c>Retry-After</c>): when the ledger has more than that left of <paramref name="resource"/>'s budget (other clients
    /// share the key, or the provider counts differently), the difference is recorded as used, stamped so that it ages out
    /// of the budget's window at the provider's reset. Admission on every node then holds back until the provider has
    /// room again, and the next window starts from the provider's count rather than ours.
    /// </summary>
    private async Task AlignWithProviderAsync(ITokenLedger ledger, string resource, System.ClientModel.Primitives.PipelineResponse? response)
    {
        if (_resources.GetValueOrDefault(resource)?.Tokens is not { } budget || response is null
            || !response.Headers.TryGetValue("x-ratelimit-remaining-tokens", out var text)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            return;
        }

        var window = TokenWindow.Of(budget);
        var reset = response.Headers.TryGetValue("x-ratelimit-reset-tokens", out var resetText) && ResetText.TryParse(resetText, out var r)
            ? r
            : RetryAfter(response) ?? window;
        reset = reset > window ? window : reset;
        if (reset <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        var missing = budget.Permits - await TokenWindow.UsedAsync(ledger, resource, budget, now, CancellationToken.None) - remaining;
        if (missing > 0)
        {
            await ledger.ConsumeTokensAsync(resource, missing, now - window + reset, CancellationToken.None);
            metrics.ProviderCorrected(resource, missing);
        }
    }

    private async Task<(string, string?, LlmUsage, TimeSpan?)> StreamAsync(JobContext context, IChatClient client, LlmChatArgs args, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var stream = new TokenStream(context, PublishInterval, time);
        TimeSpan? firstToken = null;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in client.GetStreamingResponseAsync(args.Messages, args.Options(), ct))
        {
            if (update.Text is { Length: > 0 } piece)
            {
                firstToken ??= time.GetElapsedTime(started);
                await stream.AddAsync(piece, ct);
            }

            finish ??= update.FinishReason;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent u)
                {
                    usage = u.Details;
                }
            }
        }

        await stream.PublishAsync(ct);
        return (stream.Text, finish?.Value, Usage(usage), firstToken);
    }

    private static async Task<(string, string?, LlmUsage, TimeSpan?)> CompleteAsync(IChatClient client, LlmChatArgs args, CancellationToken ct)
    {
        var response = await client.GetResponseAsync(args.Messages, args.Options(), ct);
        return (response.Text, response.FinishReason?.Value, Usage(response.Usage), null);
    }

    private static LlmUsage Usage(UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        return new LlmUsage(input, output, usage?.TotalTokenCount ?? input + output);
    }

    private Exception Classify(LlmEndpoint endpoint, ClientResultException ex)
    {
        var status = ex.Status;
        var message = $"llm.chat: {endpoint.Name} answered {status}.";
        if (status == 429)
        {
            endpoint.Breaker.Released();
            return new TransientJobException(message, RetryAfter(ex.GetRawResponse()));
        }

        if (status is 408 or >= 500 or 0)
        {
            endpoint.Breaker.Failed(time.GetUtcNow());
            return new TransientJobException(message);
        }

        endpoint.Breaker.Released();
        return new PermanentJobException(message);
    }

    /// <summary>A 429's wait: <c>Retry-After</c> (seconds), else <c>retry-after-ms</c>, else <c>x-ratelimit-reset-tokens</c> (<c>6.5s</c>, <c>1m2s</c>).</summary>
    public static TimeSpan? RetryAfter(System.ClientModel.Primitives.PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("Retry-After", out var seconds) && double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
        {
            return TimeSpan.FromSeconds(s);
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
        {
            return TimeSpan.FromMilliseconds(m);
        }

        return response.Headers.TryGetValue("x-ratelimit-reset-tokens", out var reset) && ResetText.TryParse(reset, out var wait) ? wait : null;
    }
}
