// The seat map's keyboard (Components/Seating/SeatMapView.razor): Enter and Space toggle a seat without scrolling the page
// (Blazor toggles it), the arrow keys move the focus to the nearest seat in that direction.
export function attach(svg) {
    if (!svg || svg.dataset.keys) {
        return;
    }

    svg.dataset.keys = "on";
    svg.addEventListener("keydown", event => {
        const seat = event.target.closest("[data-seat]");
        if (!seat) {
            return;
        }

        if (event.key === " " || event.key === "Enter") {
            event.preventDefault();
            return;
        }

        const direction = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
        if (!direction) {
            return;
        }

        event.preventDefault();
        const from = seat.getBoundingClientRect();
        let best = null, bestScore = Infinity;
        for (const other of svg.querySelectorAll("[data-seat]")) {
            if (other === seat) {
                continue;
            }

            const to = other.getBoundingClientRect();
            const dx = (to.x + to.width / 2) - (from.x + from.width / 2);
            const dy = (to.y + to.height / 2) - (from.y + from.height / 2);
            const along = dx * direction[0] + dy * direction[1];
            if (along <= 1) {
                continue;
            }

            const across = Math.abs(dx * direction[1]) + Math.abs(dy * direction[0]);
            const score = along + across * 3;
            if (score < bestScore) {
                best = other;
                bestScore = score;
            }
        }

        best?.focus();
    });
}
