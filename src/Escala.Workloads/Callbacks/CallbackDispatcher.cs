using System.Globalization;
using System.Text;
using Escala.Configuration;
using Escala.Workloads.Http;

namespace Escala.Workloads.Callbacks;

/// <summary>
/// POSTs one callback: a JSON payload to a URL, signed (<see cref="CallbackSignature"/>), through the <c>http</c> kind's
/// egress rules (the named client <see cref="ClientName"/> connects only where the <see cref="EgressPolicy"/> allows),
/// within <c>callbacks:timeout</c>. Any caller with a URL and a payload uses it: job callbacks through the
/// <see cref="CallbackOutbox"/>, and later a workflow's final state.
/// </summary>
public sealed class CallbackDispatcher(IHttpClientFactory clients, EscalaOptions settings, TimeProvider time)
{
    /// <summary>The named <see cref="HttpClient"/> callbacks are sent with.</summary>
    public const string ClientName = "escala.callbacks";

    /// <summary>POSTs <paramref name="payload"/> to <paramref name="url"/>, signed, with <c>Escala-Delivery: deliveryId</c>; never throws for the receiver's faults.</summary>
    public async Task<CallbackDelivery> SendAsync(string url, string payload, long deliveryId, CancellationToken ct)
    {
        var secret = settings.Callbacks.Secret ?? throw new InvalidOperationException("callbacks:secret is not set.");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add(CallbackSignature.Header, CallbackSignature.For(secret, time.GetUtcNow().ToUnixTimeSeconds(), payload));
        request.Headers.Add("Escala-Delivery", deliveryId.ToString(CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Callbacks.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? CallbackDelivery.Ok : new CallbackDelivery(false, false, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is EgressRefusedException refused)
        {
            return new CallbackDelivery(false, true, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return new CallbackDelivery(false, false, ex.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CallbackDelivery(false, false, $"no answer within {Durations.Format(settings.Callbacks.Timeout)}");
        }
    }
}
