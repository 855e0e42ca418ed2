using System.Net.Http.Headers;
using System.Text;

namespace Placement.Differential;

/// <summary>
/// One call of a run, as the generator made it: server-generated provider uuids appear in it as aliases
/// (<see cref="Side.Alias"/>), which each side replaces with its own uuid before sending.
/// </summary>
internal sealed record Call
{
    public required string Method { get; init; }

    /// <summary>Path and query, starting with '/'.</summary>
    public required string Target { get; init; }

    public string? Body { get; init; }

    public string? ContentType { get; init; }

    public string? Accept { get; init; } = "application/json";

    /// <summary>The whole openstack-api-version header value ("placement 1.20"); null sends none.</summary>
    public string? Microversion { get; init; }

    /// <summary>noauth2's x-auth-token: "admin" is the admin; null sends none.</summary>
    public string? Token { get; init; } = "admin";

    /// <summary>A POST /resource_providers: without a uuid in its body, the server makes one (learnt from Location).</summary>
    public bool CreatesProvider => Method == "POST" && Target == "/resource_providers";

    /// <summary>The allocations a write asks for, in body order (for the over-capacity rule of master).</summary>
    public IReadOnlyList<AllocationItem>? Allocations { get; init; }

    /// <summary>The inventories a reshape sets, by provider (for the over-capacity rule of master).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Inventory>>? ReshapedInventories { get; init; }

    /// <summary>What the generator learns from the reference answer, once both answers agreed.</summary>
    public Action<Reply>? Learn { get; init; }

    /// <summary>The 'limit' of an allocation candidates query, whose choice of candidates is the server's.</summary>
    public int? CandidateLimit { get; init; }

    /// <summary>The same candidates query without 'limit'.</summary>
    public string? UnlimitedTarget { get; init; }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Method).Append(' ').Append(Target);
        if (Microversion is not null)
        {
            text.Append(" [openstack-api-version: ").Append(Microversion).Append(']');
        }
        if (Token != "admin")
        {
            text.Append(" [x-auth-token: ").Append(Token ?? "(none)").Append(']');
        }
        if (Accept != "application/json")
        {
            text.Append(" [accept: ").Append(Accept ?? "(none)").Append(']');
        }
        if (Body is not null || ContentType is not null)
        {
            text.Append(" [content-type: ").Append(ContentType ?? "(none)").Append(']');
        }
        if (Body is not null)
        {
            text.Append(' ').Append(Body);
        }
        return text.ToString();
    }
}

internal sealed record AllocationItem(string Consumer, string Provider, string ResourceClass, int Amount);

/// <summary>An answer as received: status, every header (lower-case names), body text.</summary>
internal sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            text.Append("\n    ").Append(name).Append(": ").Append(value);
        }
        if (Body.Length > 0)
        {
            text.Append("\n    ").Append(Body.Length > 6000 ? Body[..6000] + "..." : Body);
        }
        return text.ToString();
    }
}

/// <summary>
/// One of the two servers of a run: sends calls (aliases replaced by its own uuids) and knows which uuids it made.
/// </summary>
internal sealed class Side(string name, Uri address) : IDisposable
{
    // wsgiref closes each connection after one answer; HttpClient might otherwise reuse a closing one.
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    })
    { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };

    private readonly Dictionary<string, string> _uuidByAlias = [];

    public string Name { get; } = name;

    public IReadOnlyDictionary<string, string> UuidByAlias => _uuidByAlias;

    /// <summary>Records that this side made <paramref name="uuid"/> where the generator wrote <paramref name="alias"/>.</summary>
    public void Alias(string alias, string uuid) => _uuidByAlias[alias] = uuid;

    public string Render(string text)
    {
        foreach (var (alias, uuid) in _uuidByAlias)
        {
            text = text.Replace(alias, uuid, StringComparison.Ordinal);
        }
        return text;
    }

    public async Task<Answer> SendAsync(Call call)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), Render(call.Target).TrimStart('/'));
        if (call.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("x-auth-token", call.Token);
        }
        if (call.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("accept", call.Accept);
        }
        if (call.Microversion is not null)
        {
            request.Headers.TryAddWithoutValidation("openstack-api-version", call.Microversion);
        }
        if (call.Body is not null || call.ContentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Render(call.Body ?? "")));
            if (call.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("content-type", call.ContentType);
            }
        }
        using var response = await _client.SendAsync(request);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(HttpHeadersNonValidated values)
        {
            foreach (var (headerName, headerValues) in values)
            {
                headers[headerName.ToLowerInvariant()] = string.Join(", ", headerValues);
            }
        }
        Add(response.Headers.NonValidated);
        Add(response.Content.Headers.NonValidated);
        return new Answer((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _client.Dispose();
}
