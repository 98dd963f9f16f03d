// The seat map's keyboard and view (Components/Seating/SeatMapView.razor): Enter and Space toggle a seat without scrolling the
// page (Blazor toggles it); the arrow keys move the focus to the nearest seat in that direction and make it the map's one Tab
// stop (a roving tabindex); zoom() scales the view around its centre and dragging pans it, and a seat the focus moves to out of
// view is brought into it.
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

        if (best) {
            seat.setAttribute("tabindex", "-1");
            best.setAttribute("tabindex", "0");
            best.focus();
            bringIntoView(svg, best);
        }
    });

    // Dragging pans a zoomed map; a drag is not a click, so the seat under the pointer is not toggled by it.
    let drag = null, dragged = false;
    svg.addEventListener("pointerdown", event => {
        if (event.button !== 0 || !svg.dataset.full) {
            return;
        }

        drag = { x: event.clientX, y: event.clientY, box: view(svg) };
        dragged = false;
    });
    svg.addEventListener("pointermove", event => {
        if (!drag) {
            return;
        }

        const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
        if (!dragged && Math.hypot(dx, dy) < 5) {
            return;
        }

        dragged = true;
        const scale = drag.box[2] / svg.getBoundingClientRect().width;
        setView(svg, [drag.box[0] - dx * scale, drag.box[1] - dy * scale, drag.box[2], drag.box[3]]);
    });
    const end = () => { drag = null; };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("click", event => {
        if (dragged) {
            event.stopPropagation();
            event.preventDefault();
            dragged = false;
        }
    }, true);
}

/// Zooms by factor around the view's centre (0: the whole map again).
export function zoom(svg, factor) {
    if (!svg) {
        return;
    }

    if (!svg.dataset.full) {
        svg.dataset.full = svg.getAttribute("viewBox");
    }

    const full = svg.dataset.full.split(" ").map(Number);
    if (factor === 0) {
        setView(svg, full);
        return;
    }

    const [x, y, w, h] = view(svg);
    const width = Math.min(full[2], Math.max(full[2] / 16, w / factor));
    const height = h * width / w;
    setView(svg, [x + (w - width) / 2, y + (h - height) / 2, width, height]);
}

function view(svg) {
    return svg.getAttribute("viewBox").split(" ").map(Number);
}

function setView(svg, box) {
    svg.setAttribute("viewBox", box.map(v => Math.round(v * 1000) / 1000).join(" "));
}

function bringIntoView(svg, seat) {
    if (!svg.dataset.full) {
        return;
    }

    const outer = svg.getBoundingClientRect(), inner = seat.getBoundingClientRect();
    if (inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top && inner.bottom <= outer.bottom) {
        return;
    }

    const [x, y, w, h] = view(svg);
    const scale = w / outer.width;
    const cx = x + ((inner.left + inner.width / 2) - outer.left) * scale;
    const cy = y + ((inner.top + inner.height / 2) - outer.top) * scale;
    setView(svg, [cx - w / 2, cy - h / 2, w, h]);
}
