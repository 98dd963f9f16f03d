using Microsoft.AspNetCore.Components;

namespace EventBooking.Web.Components;

/// <summary>
/// A live page that hands what its prerender loaded over to the circuit, in the page as persisted component state: opened as
/// the first page of a visit, the circuit's first render is the page already shown (no loading state in between), and the
/// services are asked once, not twice.
/// </summary>
/// <remarks>
/// The prerender calls <see cref="HandOver"/> with what it shows; the circuit calls <see cref="TakeHandover"/> before loading. What
/// is handed over holds for the address it was loaded at (path and query: the page's parameters, its page number, its filters)
/// and is taken once, so the same page given other parameters (another event) loads them itself, as does every later load.
/// Hand over only what the page shows its owner: it travels in the page (encrypted by Data Protection).
/// </remarks>
public abstract class HandoverPage<TState> : ComponentBase where TState : class
{
    [Inject] private NavigationManager HandoverNavigation { get; set; } = default!;

    /// <summary>What the prerender handed over, set in the circuit by the framework; the page reads it through <see cref="TakeHandover"/>.</summary>
    [PersistentState] public Handover<TState>? Prerendered { get; set; }

    /// <summary>What the prerender loaded at this address, once; null when there is none (then the page loads its data itself).</summary>
    protected TState? TakeHandover()
    {
        var state = Prerendered is { } handover && handover.Address == Address ? handover.State : null;
        Prerendered = null;
        return state;
    }

    /// <summary>Keeps what the page shows for the circuit, when this render is a prerender that a circuit takes over.</summary>
    protected void HandOver(TState? state)
    {
        // A page rendered on the server only (a visitor's event page) has no circuit to hand anything to.
        if (state is not null && !RendererInfo.IsInteractive && AssignedRenderMode is not null)
        {
            Prerendered = new Handover<TState>(Address, state);
        }
    }

    // The path and query, without a fragment (the browser keeps it, the request does not carry it).
    private string Address => HandoverNavigation.ToBaseRelativePath(HandoverNavigation.Uri).Split('#')[0];
}

/// <summary>What a page's prerender loaded (<see cref="HandoverPage{TState}"/>), and the address it was loaded at.</summary>
public sealed record Handover<TState>(string Address, TState State);
