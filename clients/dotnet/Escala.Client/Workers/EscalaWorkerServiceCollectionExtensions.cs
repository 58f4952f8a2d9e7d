using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Escala.Client.Workers;

/// <summary>
/// <c>services.AddEscalaWorker(o =&gt; o.Queues.Add("ocr")).AddHandler&lt;OcrHandler&gt;()</c>: runs <see cref="IJobHandler"/>s
/// in this process, leasing their jobs from an Escala node over HTTP (uses the <see cref="EscalaClientOptions"/> of
/// <c>AddEscalaClient</c> for the address and API key).
/// </summary>
public static class EscalaWorkerServiceCollectionExtensions
{
    public static EscalaWorkerBuilder AddEscalaWorker(this IServiceCollection services, Action<EscalaWorkerOptions>? configure = null)
    {
        var options = services.AddOptions<EscalaWorkerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<EscalaClientOptions>();
        services.AddHttpClient<WorkerProtocol>((sp, http) =>
            EscalaClientServiceCollectionExtensions.Configure(http, sp.GetRequiredService<IOptions<EscalaClientOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ExternalWorkerService>());
        return new EscalaWorkerBuilder(services);
    }
}
