using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary>
/// A battery of hostile requests through real HTTP. For each: no 5xx, a problem+json refusal without .NET type
/// names or exception text, the security headers, and no job written.
/// </summary>
public sealed class HostileRequestsTests : SecureNodeTest
{
    private const string Json = "application/json";

    /// <summary>(method, path, content type or null, body or null, extra headers "Name: value|…", which key: full/read/none/forged).</summary>
    private static readonly Dictionary<string, (string Method, string Path, string? Type, string? Body, string Headers, string Key)> Cases = new()
    {
        ["malformed json"] = ("POST", "/v1/jobs", Json, "{\"kind\": \"noop\",", "", "full"),
        ["json array body"] = ("POST", "/v1/jobs", Json, "[1,2,3]", "", "full"),
        ["json null body"] = ("POST", "/v1/jobs", Json, "null", "", "full"),
        ["empty body"] = ("POST", "/v1/jobs", Json, "", "", "full"),
        ["trailing garbage"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"} x", "", "full"),
        ["deep nesting"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"args\":" + new string('[', 5000) + new string(']', 5000) + "}", "", "full"),
        ["invalid utf8"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"no\udc00op\"}", "", "full"),
        ["kind with newline"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\\n\"}", "", "full"),
        ["kind with unicode"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"nооp\"}", "", "full"),
        ["kind with nul"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\\u0000\"}", "", "full"),
        ["queue with traversal"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"queue\":\"../default\"}", "", "full"),
        ["kind as number"] = ("POST", "/v1/jobs", Json, "{\"kind\":42}", "", "full"),
        ["duplicate field"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"kind\":\"sleep\"}", "", "full"),
        ["duplicate field in batch"] = ("POST", "/v1/jobs/batch", Json, "{\"jobs\":[{\"kind\":\"noop\"}],\"jobs\":[]}", "", "full"),
        ["duplicate field in args"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"http\",\"args\":{\"url\":\"http://127.0.0.1:9/\",\"url\":\"http://169.254.169.254/\"}}", "", "full"),
        ["duplicate field deep in batch args"] = ("POST", "/v1/jobs/batch", Json, "{\"jobs\":[{\"kind\":\"noop\",\"args\":{\"a\":[{\"b\":1,\"b\":2}]}}]}", "", "full"),
        ["utf-16 charset"] = ("POST", "/v1/jobs", "application/json; charset=utf-16", "{\"kind\":\"noop\"}", "", "full"),
        ["latin-1 charset"] = ("POST", "/v1/jobs", "application/json; charset=iso-8859-1", "{\"kind\":\"noop\"}", "", "full"),
        ["unknown field"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"tenant\":\"b\"}", "", "full"),
        ["huge delay"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"delay\":\"10000000d\"}", "", "full"),
        ["overflowing delay"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"delay\":\"99999999999999999999d\"}", "", "full"),
        ["far runAt"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"runAt\":\"9999-12-31T23:59:59Z\"}", "", "full"),
        ["huge timeout"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"timeout\":\"3650d\"}", "", "full"),
        ["huge backoff"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"backoff\":\"3650d\"}", "", "full"),
        ["negative priority overflow"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"priority\":99999999999}", "", "full"),
        ["batch with null"] = ("POST", "/v1/jobs/batch", Json, "{\"jobs\":[{\"kind\":\"noop\"},null]}", "", "full"),
        ["batch duplicate key"] = ("POST", "/v1/jobs/batch", Json,
            "{\"jobs\":[{\"kind\":\"noop\",\"idempotencyKey\":\"k\"},{\"kind\":\"noop\",\"idempotencyKey\":\"k\"}]}", "", "full"),
        ["batch jobs null"] = ("POST", "/v1/jobs/batch", Json, "{\"jobs\":null}", "", "full"),
        ["batch not a list"] = ("POST", "/v1/jobs/batch", Json, "{\"jobs\":{\"kind\":\"noop\"}}", "", "full"),
        ["oversized submit"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\",\"args\":\"" + new string('x', 2 << 20) + "\"}", "", "full"),
        ["oversized header"] = ("GET", "/v1/jobs", null, null, "X-Big: " + new string('h', 40_000), "full"),
        ["too many headers"] = ("GET", "/v1/jobs", null, null, string.Join('|', Enumerable.Range(0, 120).Select(i => $"X-H{i}: v")), "full"),
        ["long url"] = ("GET", "/v1/jobs?kind=" + new string('k', 10_000), null, null, "", "full"),
        ["limit not a number"] = ("GET", "/v1/jobs?limit=abc", null, null, "", "full"),
        ["limit zero"] = ("GET", "/v1/jobs?limit=0", null, null, "", "full"),
        ["limit huge"] = ("GET", "/v1/jobs?limit=100000000000", null, null, "", "full"),
        ["cursor not a number"] = ("GET", "/v1/jobs?cursor=abc", null, null, "", "full"),
        ["unknown state"] = ("GET", "/v1/jobs?state=exploded", null, null, "", "full"),
        ["id not a number"] = ("GET", "/v1/jobs/abc", null, null, "", "full"),
        ["id overflow"] = ("GET", "/v1/jobs/99999999999999999999999", null, null, "", "full"),
        ["negative id"] = ("GET", "/v1/jobs/-1", null, null, "", "full"),
        ["wait not a duration"] = ("GET", "/v1/jobs/1?wait=forever", null, null, "", "full"),
        ["dot segments"] = ("GET", "/v1/jobs/1/../../keys", null, null, "", "full"),
        ["encoded dot segments"] = ("GET", "/v1/jobs/%2e%2e/%2e%2e/keys", null, null, "", "full"),
        ["encoded slash"] = ("POST", "/v1/queues/default%2Fpause", Json, "{}", "", "full"),
        ["unknown path"] = ("GET", "/v1/nothing-here", null, null, "", "full"),
        ["wrong method"] = ("PATCH", "/v1/jobs", Json, "{}", "", "full"),
        ["delete jobs"] = ("DELETE", "/v1/jobs/1", null, null, "", "full"),
        ["unknown queue pause"] = ("POST", "/v1/queues/nope/pause", Json, "{}", "", "admin"),
        ["csrf text plain"] = ("POST", "/v1/jobs", "text/plain", "{\"kind\":\"noop\"}", "", "none-open"),
        ["csrf form"] = ("POST", "/v1/queues/default/pause", "application/x-www-form-urlencoded", "a=b", "", "none-open"),
        ["csrf no body"] = ("POST", "/v1/queues/default/pause", null, null, "", "none-open"),
        ["csrf multipart"] = ("POST", "/v1/jobs", "multipart/form-data; boundary=x", "--x--", "", "none-open"),
        ["rebinding host"] = ("GET", "/v1/jobs", null, null, "Host: evil.example", "full"),
        ["no key"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}", "", "none"),
        ["forged key"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}", "", "forged"),
        ["basic auth"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}", "Authorization: Basic YWRtaW46YWRtaW4=", "none"),
        ["unsigned jwt"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}",
            "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJhIiwic2NvcGUiOiJzdWJtaXQifQ.", "none"),
        ["read key submits"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}", "", "read"),
        ["read key cancels"] = ("POST", "/v1/jobs/1/cancel", Json, "{}", "", "read"),
        ["lease null queue"] = ("POST", "/v1/workers/lease", Json, "{\"queues\":[null]}", "", "full"),
        ["lease internal queue"] = ("POST", "/v1/workers/lease", Json, "{\"queues\":[\"default\"]}", "", "full"),
        ["lease max huge"] = ("POST", "/v1/workers/lease", Json, "{\"queues\":[\"ext\"],\"max\":100000}", "", "full"),
        ["heartbeat null lease"] = ("POST", "/v1/workers/heartbeat", Json, "{\"leases\":[null]}", "", "full"),
        ["heartbeat leases null"] = ("POST", "/v1/workers/heartbeat", Json, "{\"leases\":null}", "", "full"),
        ["fail huge retryAfter"] = ("POST", "/v1/workers/fail", Json, "{\"id\":1,\"leaseToken\":\"x\",\"retryAfter\":\"3650d\"}", "", "full"),
        ["fail overflowing retryAfter"] = ("POST", "/v1/workers/fail", Json, "{\"id\":1,\"leaseToken\":\"x\",\"retryAfter\":\"99999999999999999d\"}", "", "full"),
        ["complete forged token"] = ("POST", "/v1/workers/complete", Json, "{\"id\":1,\"leaseToken\":\"forged\",\"result\":{}}", "", "full"),
        ["complete huge result"] = ("POST", "/v1/workers/complete", Json, "{\"id\":1,\"leaseToken\":\"x\",\"result\":\"" + new string('r', 1_100_000) + "\"}", "", "full"),
        ["progress id string"] = ("POST", "/v1/workers/progress", Json, "{\"id\":\"1; DROP TABLE jobs\",\"leaseToken\":\"x\",\"progress\":1}", "", "full"),
        ["keys bad scope"] = ("POST", "/v1/keys", Json, "{\"name\":\"x\",\"scopes\":[\"root\"]}", "", "admin"),
        ["keys null scope"] = ("POST", "/v1/keys", Json, "{\"name\":\"x\",\"scopes\":[null]}", "", "admin"),
        ["gzip content encoding"] = ("POST", "/v1/jobs", Json, "{\"kind\":\"noop\"}", "Content-Encoding: gzip", "full"),
        ["keys unknown field"] = ("POST", "/v1/keys", Json, "{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresAt\":\"1900-01-01\"}", "", "admin"),
        ["keys malformed json"] = ("POST", "/v1/keys", Json, "{\"name\":", "", "admin"),
        ["keys text plain"] = ("POST", "/v1/keys", "text/plain", "{\"name\":\"x\",\"scopes\":[\"read\"]}", "", "admin"),
        ["keys revoke unknown"] = ("DELETE", "/v1/keys/aaaaaaaaaaaa", null, null, "", "admin"),
        ["keys revoke path trick"] = ("DELETE", "/v1/keys/..%2F..%2Fjobs", null, null, "", "admin"),
        ["events bad duration"] = ("GET", "/v1/jobs/1/events?maxDuration=x", null, null, "", "full"),
        ["events unknown job"] = ("GET", "/v1/jobs/424242/events", null, null, "", "full"),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_RefusedWithProblemJson_NothingWritten(string name)
    {
        var (method, path, type, body, headers, key) = Cases[name];
        var before = await CountJobsAsync();
        using var client = await ClientForAsync(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        if (type is not null)
        {
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }

        foreach (var header in headers.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (headerName, value) = (header[..colon], header[(colon + 1)..].Trim());
            if (headerName == "Host")
            {
                request.Headers.Host = value;
            }
            else if (headerName == "Authorization")
            {
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
            }
            else
            {
                // Content headers (Content-Encoding) go on the content.
                Assert.True(request.Headers.TryAddWithoutValidation(headerName, value) || request.Content!.Headers.TryAddWithoutValidation(headerName, value));
            }
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await EscalaApi.ReadAsync(response);
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Escala.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(before, await CountJobsAsync());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json;charset=utf8")]
    public async Task Submit_Utf8Charset_Accepted(string type)
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"kind\":\"noop\"}"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);

        using var response = await client.PostAsync("/v1/jobs", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<HttpClient> ClientForAsync(string key) => key switch
    {
        "full" => Client(await KeyAsync("a", "submit,read,worker")),
        "admin" => Client(await KeyAsync("a", "admin")),
        "read" => Client(await KeyAsync("a", "read")),
        "forged" => Client("esk_aaaaaaaaaaaa_" + new string('A', 43)),
        _ => Client(null),
    };
}
