// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SlotDerivation} from "@openzeppelin/contracts/utils/SlotDerivation.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IBudgetRegistry} from "@govchain/interfaces/IBudgetRegistry.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";
import {IDisbursements} from "@govchain/interfaces/IDisbursements.sol";
import {IFiscalToken} from "@govchain/interfaces/IFiscalToken.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";
import {IProgramRegistry} from "@govchain/interfaces/IProgramRegistry.sol";
import {PayoutWord} from "./libraries/PayoutWord.sol";

/// @title Disbursements
/// @notice The fiscal ledger: program funds, disbursement batches, payouts and refunds (see IDisbursements).
/// @dev Gas design. The eligibility checks happen at proposal: the (program, period) bitmap keyed by
/// enrollment index reserves 256 beneficiaries per storage word, and the batch keeps one running
/// hash. Approval writes two slots. Execution reads the batch, the program's hot slot and the
/// line's slot, checks the re-sent entries against the approved hash, reads each beneficiary's
/// current account in one call to the e-ID registry (one storage read per recipient) and hands the
/// paid entries to FiscalToken.payBatch: per recipient that is one balance update and one Transfer
/// event, the closed loop being enforced on what holders do later, not on the payout.
contract Disbursements is DepartmentRoles, ReentrancyGuardTransient, IDisbursements {
    using BitMaps for BitMaps.BitMap;
    using SlotDerivation for bytes32;
    using TransientSlot for bytes32;
    using TransientSlot for TransientSlot.Uint256Slot;

    /// @notice Finance bureau officers: allocate approved budget lines to programs.
    bytes32 public constant TREASURER_ROLE = keccak256("TREASURER_ROLE");
    /// @notice Officers of running departments: propose, extend and cancel batches, record refunds.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Second officers of running departments (four eyes) and finance officers (full approval).
    bytes32 public constant APPROVER_ROLE = keccak256("APPROVER_ROLE");
    /// @notice Officers or the payout service of running departments: execute approved batches.
    bytes32 public constant EXECUTOR_ROLE = keccak256("EXECUTOR_ROLE");
    /// @notice Partner banks' settlement accounts: confirm that a bank-settled payout came back.
    bytes32 public constant BANK_ROLE = keccak256("BANK_ROLE");

    /// @notice Upper bound of the execution gas one wallet payout to an existing holder adds: its
    /// balance update and Transfer event, the current-account read in the e-ID registry (a cold
    /// storage read), 64 calldata bytes and two hash steps (benchmarks/bench_gas_funds.py checks the bound).
    uint256 public constant EXISTING_PAYOUT_GAS = 13_100;
    /// @notice Upper bound of the execution gas one wallet payout to an account without a balance
    /// adds (a zero-to-non-zero balance write costs 17,100 more).
    uint256 public constant FRESH_PAYOUT_GAS = 30_200;
    /// @notice Execution gas a wallet batch's payouts may take (their estimate, fixed at proposal from
    /// the recipients' balances): 16,777,216 (the per-transaction gas cap, EIP-7825) less 277,216 for
    /// the 21,000 base cost, the batch's fixed reads and writes (about 40,000) and holders who empty
    /// their balance between proposal and execution (17,100 each).
    uint256 public constant WALLET_GAS_BUDGET = 16_500_000;
    /// @notice Most entries in a wallet batch: all existing holders at WALLET_GAS_BUDGET.
    uint256 public constant MAX_WALLET_BATCH = WALLET_GAS_BUDGET / EXISTING_PAYOUT_GAS;
    /// @notice Most entries in a bank-settled batch: 128 calldata bytes each at execution keep the
    /// transaction under the common 128 KiB transaction-size limit of Ethereum clients.
    uint256 public constant MAX_BANK_BATCH = 1_000;
    /// @notice Seconds an approved batch stays executable after its proposal (14 days); after that
    /// it must be cancelled and proposed again, so payouts never go to stale accounts.
    uint256 public constant BATCH_VALIDITY = 14 days;
    /// @notice Finance-department approvals a batch above the program's period limit needs, besides
    /// the running department's second officer.
    uint8 public constant FULL_APPROVAL_FINANCE_APPROVALS = 2;

    /// @dev Transient namespace of the "seen" bitmaps that catch duplicates within one part of a batch:
    /// keccak256(abi.encode(uint256(keccak256("govchain.disbursements.seen")) - 1)) & ~bytes32(uint256(0xff)).
    /// Its first word counts the parts added in the current transaction; part n uses the bitmap
    /// derived from n, so parts never see each other's marks (duplicates across parts of a batch are
    /// caught by the storage bitmap as DisbursementsAlreadyPaid).
    bytes32 private constant SEEN_SLOT = 0x4c78510a2db835c93185e24ced216c0db151c5a3909924c052e4d8e294e37e00;
    /// @dev Bits of a bitmap key below the period (the enrollment index is a uint32).
    uint256 private constant PERIOD_SHIFT = 32;

    IFiscalToken private immutable _token;
    IBudgetRegistry private immutable _budgets;
    IProgramRegistry private immutable _programs;
    IDepartmentRegistry private immutable _departments;
    IIdentityRegistry private immutable _identities;
    bytes32 private immutable _financeDepartment;

    uint256 private _batchCount;
    mapping(uint256 batchId => Batch) private _batches;
    mapping(uint256 programId => ProgramAccount) private _accounts;
    mapping(uint256 lineId => LineAccount) private _lines;
    /// @dev Key (period << 32 | enrollment index): paid or reserved.
    mapping(uint256 programId => BitMaps.BitMap) private _paid;
    mapping(uint256 programId => mapping(uint256 period => uint256 total)) private _periodTotals;
    mapping(uint256 batchId => mapping(address officer => bool approved)) private _financeApproved;
    mapping(uint256 batchId => bytes32 root) private _roots;
    mapping(uint256 batchId => address approver) private _departmentApprovers;
    mapping(uint256 batchId => mapping(bytes32 beneficiary => PayoutState)) private _payouts;
    mapping(uint256 batchId => BatchFunds) private _batchFunds;
    uint256 private _refundCount;
    mapping(uint256 refundId => BankRefund) private _bankRefunds;
    bool private _executorSeparation;

    /// @dev The part of a batch being added (proposal or extension), in memory.
    struct Part {
        uint256 batchId; // the batch
        uint256 seen; // this part's number in the transaction (its transient "seen" bitmap)
        uint256 programId; // the paying program
        uint256 period; // the period paid
        PayoutMode mode; // wallet or bank
        bytes32 hash; // running content hash (from the batch's so far)
        uint256 total; // fen accepted in this part
        uint256 gas; // estimated execution gas of the batch's wallet payouts so far
        uint256 accepted; // entries accepted in this part
    }

    /// @param admin the bootstrap governance account
    /// @param token the FiscalToken (grant this contract MINTER_ROLE, DISBURSER_ROLE, SETTLER_ROLE and register it)
    /// @param budgets the BudgetRegistry (its finance department gives full approvals)
    /// @param programs the ProgramRegistry
    /// @param departments the consortium's DepartmentRegistry
    /// @param identities the e-ID registry (read at execution for each beneficiary's current account)
    constructor(
        address admin,
        IFiscalToken token,
        IBudgetRegistry budgets,
        IProgramRegistry programs,
        IDepartmentRegistry departments,
        IIdentityRegistry identities
    ) {
        if (
            admin == address(0) || address(token) == address(0) || address(budgets) == address(0)
                || address(programs) == address(0) || address(departments) == address(0)
                || address(identities) == address(0)
        ) revert DisbursementsZeroAddress();
        _token = token;
        _budgets = budgets;
        _programs = programs;
        _departments = departments;
        _identities = identities;
        _financeDepartment = budgets.financeDepartment();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // --- funding -------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function fundProgram(uint256 programId, uint256 amount) external onlyRole(TREASURER_ROLE) nonReentrant {
        if (_departments.activeDepartmentOf(msg.sender) != _financeDepartment) {
            revert DisbursementsNotFinanceOfficer(msg.sender);
        }
        ProgramAccount storage account = _accounts[programId];
        if (account.lineId == 0) {
            IProgramRegistry.Program memory terms = _programs.program(programId);
            account.lineId = terms.lineId;
            account.department = terms.department;
            account.separateExecutor = terms.separateExecutor;
        }
        uint256 lineId = account.lineId;
        IBudgetRegistry.Line memory budgetLine = _budgets.approvedLine(lineId);
        if (amount == 0) revert DisbursementsZeroFunding(programId);
        LineAccount storage line = _lines[lineId];
        uint256 unassigned = budgetLine.amount - line.assigned;
        if (amount > unassigned) revert DisbursementsLineExceeded(lineId, amount, unassigned);

        line.assigned += uint64(amount);
        account.allocation += uint64(amount);
        emit ProgramFunded(programId, lineId, uint64(amount), account.allocation);
        _token.mint(address(this), amount);
    }

    // --- proposal --------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function proposeBatch(uint256 programId, uint32 period, PayoutMode mode, PayoutRequest[] calldata requests)
        external
        onlyRole(OPERATOR_ROLE)
        returns (uint256 batchId)
    {
        if (_accounts[programId].lineId == 0) revert DisbursementsProgramNotFunded(programId);
        _checkDepartment(programId);
        IProgramRegistry.Program memory terms = _programs.program(programId);
        if (period >= terms.periodCount) revert DisbursementsPeriodOutOfSchedule(programId, period, terms.periodCount);
        uint256 dueAt = uint256(terms.start) + uint256(period) * terms.interval;
        if (block.timestamp < dueAt) revert DisbursementsPeriodNotDue(programId, period, dueAt);

        batchId = ++_batchCount;
        Batch storage created = _batches[batchId];
        created.programId = uint64(programId);
        created.period = period;
        created.mode = mode;
        created.status = BatchStatus.Proposed;
        created.proposer = msg.sender;
        created.proposedAt = uint64(block.timestamp);
        emit BatchProposed(batchId, programId, period, mode, msg.sender);
        _addEntries(batchId, created, terms.periodLimit, requests);
    }

    /// @inheritdoc IDisbursements
    function extendBatch(uint256 batchId, PayoutRequest[] calldata requests) external onlyRole(OPERATOR_ROLE) {
        Batch storage open = _batches[batchId];
        if (open.status != BatchStatus.Proposed || open.departmentApproved || open.financeApprovals != 0) {
            revert DisbursementsBatchLocked(batchId);
        }
        if (open.proposer != msg.sender) revert DisbursementsNotProposer(batchId, msg.sender);
        _checkNotExpired(batchId, open);
        uint256 programId = open.programId;
        _checkDepartment(programId);
        _addEntries(batchId, open, _programs.program(programId).periodLimit, requests);
    }

    // --- approval --------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function approveBatch(uint256 batchId, bytes32 contentHash) external onlyRole(APPROVER_ROLE) {
        Batch storage pending = _batches[batchId];
        if (pending.status != BatchStatus.Proposed) revert DisbursementsBatchNotProposed(batchId, pending.status);
        if (pending.contentHash != contentHash) {
            revert DisbursementsContentMismatch(batchId, pending.contentHash, contentHash);
        }
        if (pending.proposer == msg.sender) revert DisbursementsSameOfficer(batchId, msg.sender);
        _checkNotExpired(batchId, pending);
        bytes32 department = _departments.activeDepartmentOf(msg.sender);

        if (department == _accounts[pending.programId].department) {
            if (pending.departmentApproved) revert DisbursementsAlreadyApproved(batchId, msg.sender);
            pending.departmentApproved = true;
            _departmentApprovers[batchId] = msg.sender;
        } else if (department == _financeDepartment && pending.needsFullApproval) {
            if (_financeApproved[batchId][msg.sender]) revert DisbursementsAlreadyApproved(batchId, msg.sender);
            _financeApproved[batchId][msg.sender] = true;
            ++pending.financeApprovals;
        } else {
            revert DisbursementsApproverNotAllowed(batchId, msg.sender, department);
        }
        bool complete = pending.departmentApproved
            && (!pending.needsFullApproval || pending.financeApprovals >= FULL_APPROVAL_FINANCE_APPROVALS);
        if (complete) pending.status = BatchStatus.Approved;
        emit BatchApproved(batchId, msg.sender, department, complete);
    }

    // --- execution -------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function executeWalletBatch(uint256 batchId, uint256[] calldata entries)
        external
        onlyRole(EXECUTOR_ROLE)
        nonReentrant
    {
        Batch storage approved = _approvedBatch(batchId, PayoutMode.Wallet, PayoutWord.chainAll(bytes32(0), entries));
        uint256 size = entries.length / 2;
        bytes32[] memory ids = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            ids[i] = bytes32(entries[2 * i + 1]);
        }
        address[] memory current = _identities.currentAccounts(ids);

        uint256[] memory payouts = new uint256[](size);
        uint256 paid = 0;
        uint256 withheld = 0;
        for (uint256 i; i < size; ++i) {
            uint256 word = entries[2 * i];
            if (current[i] == PayoutWord.account(word)) payouts[paid++] = word;
            else withheld += _withhold(batchId, approved, ids[i], word, current[i]);
        }
        assembly ("memory-safe") {
            mstore(payouts, paid) // shorten the array to the paid entries
        }
        _bookExecution(batchId, approved, withheld);
        if (paid != 0) _token.payBatch(payouts);
    }

    /// @inheritdoc IDisbursements
    function executeBankBatch(uint256 batchId, BankRecord[] calldata records)
        external
        onlyRole(EXECUTOR_ROLE)
        nonReentrant
    {
        uint256 size = records.length;
        bytes32 hash = bytes32(0);
        bytes32[] memory ids = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            BankRecord calldata record = records[i];
            hash = PayoutWord.chain(hash, PayoutWord.encode(record.index, record.amount, address(0)));
            hash = PayoutWord.chain(hash, uint256(record.beneficiary));
            ids[i] = record.beneficiary;
        }
        Batch storage approved = _approvedBatch(batchId, PayoutMode.Bank, hash);
        address[] memory current = _identities.currentAccounts(ids);

        bytes32[] memory leaves = new bytes32[](size);
        uint256 recorded = 0;
        uint256 withheld = 0;
        for (uint256 i; i < size; ++i) {
            BankRecord calldata record = records[i];
            if (current[i] == address(0)) {
                uint256 word = PayoutWord.encode(record.index, record.amount, address(0));
                withheld += _withhold(batchId, approved, record.beneficiary, word, address(0));
            } else {
                if (record.settlementRef == bytes32(0)) revert DisbursementsZeroSettlementRef(batchId, i);
                leaves[recorded++] = _leaf(batchId, record.beneficiary, record.amount, record.settlementRef);
            }
        }
        bytes32 root = recorded == 0 ? bytes32(0) : _merkleRoot(leaves, recorded);
        _roots[batchId] = root;
        uint256 burned = _bookExecution(batchId, approved, withheld);
        emit BankPayoutsRecorded(batchId, root, records);
        if (burned != 0) _token.settle(burned, root);
    }

    // --- cancellation and refunds ----------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function cancelBatch(uint256 batchId, uint256[] calldata entries, bytes32 reasonHash)
        external
        onlyRole(OPERATOR_ROLE)
    {
        Batch storage pending = _batches[batchId];
        BatchStatus status = pending.status;
        if (status != BatchStatus.Proposed && status != BatchStatus.Approved) {
            revert DisbursementsBatchNotCancellable(batchId, status);
        }
        uint256 programId = pending.programId;
        _checkDepartment(programId);
        _checkContent(batchId, pending, PayoutWord.chainAll(bytes32(0), entries));

        BitMaps.BitMap storage paid = _paid[programId];
        uint256 periodKey = uint256(pending.period) << PERIOD_SHIFT;
        uint256 size = entries.length;
        for (uint256 i; i < size; i += 2) {
            paid.unset(periodKey | PayoutWord.index(entries[i]));
        }
        pending.status = BatchStatus.Cancelled;
        _accounts[programId].reserved -= pending.total;
        _periodTotals[programId][pending.period] -= pending.total;
        emit BatchCancelled(batchId, msg.sender, reasonHash);
    }

    /// @inheritdoc IDisbursements
    function refundWalletPayout(
        uint256 batchId,
        uint256[] calldata entries,
        uint256 position,
        uint256 amount,
        bytes32 reasonHash
    ) external onlyRole(OPERATOR_ROLE) nonReentrant {
        Batch storage paidBatch = _executedBatch(batchId, PayoutMode.Wallet);
        uint256 programId = paidBatch.programId;
        _checkDepartment(programId);
        _checkContent(batchId, paidBatch, PayoutWord.chainAll(bytes32(0), entries));
        if (position >= entries.length / 2) revert DisbursementsUnknownPayout(batchId, position);
        uint256 word = entries[2 * position];
        bytes32 beneficiary = bytes32(entries[2 * position + 1]);

        _recordRefund(batchId, paidBatch, beneficiary, PayoutWord.amount(word), amount, reasonHash);
        // `from` is the payee of an approved, executed payout (proved by the batch content hash) who
        // gave this ledger an allowance to return the money; nobody else's funds can be pulled.
        // FiscalToken reverts on failure (OpenZeppelin ERC20), so the returned true needs no check.
        // slither-disable-next-line arbitrary-send-erc20,unchecked-transfer
        _token.transferFrom(PayoutWord.account(word), address(this), amount);
    }

    /// @inheritdoc IDisbursements
    function requestBankRefund(uint256 batchId, BankPayout calldata payout, uint256 amount, bytes32 reasonHash)
        external
        onlyRole(OPERATOR_ROLE)
        returns (uint256 refundId)
    {
        Batch storage paidBatch = _executedBatch(batchId, PayoutMode.Bank);
        _checkDepartment(paidBatch.programId);
        bytes32 beneficiary = payout.beneficiary;
        if (!_verifyBank(batchId, beneficiary, payout.amount, payout.settlementRef, payout.proof)) {
            revert DisbursementsInvalidProof(batchId, beneficiary);
        }
        if (amount == 0) revert DisbursementsZeroAmount(beneficiary);
        PayoutState storage state = _payouts[batchId][beneficiary];
        uint256 refundable = uint256(payout.amount) - state.refunded - state.pending;
        if (amount > refundable) revert DisbursementsRefundExceedsPayout(batchId, beneficiary, amount, refundable);

        state.pending += uint64(amount);
        refundId = ++_refundCount;
        _bankRefunds[refundId] = BankRefund({
            batchId: uint64(batchId),
            amount: uint64(amount),
            status: RefundStatus.Pending,
            requester: msg.sender,
            beneficiary: beneficiary,
            settlementRef: payout.settlementRef
        });
        emit BankRefundRequested(
            refundId, batchId, beneficiary, uint64(amount), payout.settlementRef, msg.sender, reasonHash
        );
    }

    /// @inheritdoc IDisbursements
    function confirmBankRefund(uint256 refundId) external nonReentrant {
        BankRefund storage request = _pendingRefund(refundId);
        uint256 batchId = request.batchId;
        Batch storage paidBatch = _batches[batchId];
        if (request.requester == msg.sender || !_mayConfirm(paidBatch.programId)) {
            revert DisbursementsRefundConfirmerNotAllowed(refundId, msg.sender);
        }
        uint64 amount = request.amount;
        bytes32 beneficiary = request.beneficiary;
        request.status = RefundStatus.Confirmed;
        _payouts[batchId][beneficiary].pending -= amount;
        emit BankRefundConfirmed(refundId, msg.sender);
        // the amount was checked against the payout (proved by its Merkle proof) when requested
        _recordRefund(batchId, paidBatch, beneficiary, type(uint64).max, amount, bytes32(refundId));
        _token.mint(address(this), amount);
    }

    /// @inheritdoc IDisbursements
    function cancelBankRefund(uint256 refundId, bytes32 reasonHash) external {
        BankRefund storage request = _pendingRefund(refundId);
        if (request.requester != msg.sender && !_mayConfirm(_batches[request.batchId].programId)) {
            revert DisbursementsRefundConfirmerNotAllowed(refundId, msg.sender);
        }
        request.status = RefundStatus.Cancelled;
        _payouts[request.batchId][request.beneficiary].pending -= request.amount;
        emit BankRefundCancelled(refundId, msg.sender, reasonHash);
    }

    // --- governance ------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function setExecutorSeparation(bool required) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _executorSeparation = required;
        emit ExecutorSeparationSet(required);
    }

    // --- views -----------------------------------------------------------------------------------

    /// @inheritdoc IDisbursements
    function batch(uint256 batchId) external view returns (Batch memory) {
        return _batches[batchId];
    }

    /// @inheritdoc IDisbursements
    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    /// @inheritdoc IDisbursements
    function programAccount(uint256 programId) external view returns (ProgramAccount memory) {
        return _accounts[programId];
    }

    /// @inheritdoc IDisbursements
    function available(uint256 programId) public view returns (uint256) {
        ProgramAccount storage account = _accounts[programId];
        return uint256(account.allocation) + account.refunded - account.disbursed - account.reserved;
    }

    /// @inheritdoc IDisbursements
    function lineFigures(uint256 lineId) external view returns (LineFigures memory figures) {
        LineAccount memory line = _lines[lineId];
        figures.allocated = _budgets.line(lineId).amount;
        figures.assigned = line.assigned;
        figures.disbursed = line.disbursed;
        figures.refunded = line.refunded;
        figures.remaining = figures.allocated + figures.refunded - figures.disbursed;
    }

    /// @inheritdoc IDisbursements
    function periodTotal(uint256 programId, uint256 period) external view returns (uint256) {
        return _periodTotals[programId][period];
    }

    /// @inheritdoc IDisbursements
    function isPaid(uint256 programId, uint256 period, uint256 index) external view returns (bool) {
        return _paid[programId].get((period << PERIOD_SHIFT) | index);
    }

    /// @inheritdoc IDisbursements
    function merkleRoot(uint256 batchId) external view returns (bytes32) {
        return _roots[batchId];
    }

    /// @inheritdoc IDisbursements
    function verifyBankPayout(
        uint256 batchId,
        bytes32 beneficiary,
        uint64 amount,
        bytes32 settlementRef,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return _verifyBank(batchId, beneficiary, amount, settlementRef, proof);
    }

    /// @inheritdoc IDisbursements
    function refunded(uint256 batchId, bytes32 beneficiary) external view returns (uint256) {
        return _payouts[batchId][beneficiary].refunded;
    }

    /// @inheritdoc IDisbursements
    function payoutState(uint256 batchId, bytes32 beneficiary) external view returns (PayoutState memory) {
        return _payouts[batchId][beneficiary];
    }

    /// @inheritdoc IDisbursements
    function batchFunds(uint256 batchId) external view returns (BatchFunds memory) {
        return _batchFunds[batchId];
    }

    /// @inheritdoc IDisbursements
    function bankRefund(uint256 refundId) external view returns (BankRefund memory) {
        return _bankRefunds[refundId];
    }

    /// @inheritdoc IDisbursements
    function bankRefundCount() external view returns (uint256) {
        return _refundCount;
    }

    /// @inheritdoc IDisbursements
    function departmentApprover(uint256 batchId) external view returns (address) {
        return _departmentApprovers[batchId];
    }

    /// @inheritdoc IDisbursements
    function executorSeparation() external view returns (bool) {
        return _executorSeparation;
    }

    /// @inheritdoc IDisbursements
    function trace(uint256 batchId) external view returns (Trace memory found) {
        Batch storage known = _batches[batchId];
        if (known.status == BatchStatus.None) revert DisbursementsUnknownBatch(batchId);
        found.programId = known.programId;
        found.lineId = _accounts[found.programId].lineId;
        found.budgetId = _budgets.line(found.lineId).budgetId;
    }

    // --- internals -------------------------------------------------------------------------------

    /// @dev Checks, reserves and hashes one part of a batch. Reverts on the first bad entry.
    function _addEntries(uint256 batchId, Batch storage open, uint256 periodLimit, PayoutRequest[] calldata requests)
        private
    {
        uint256 size = requests.length;
        if (size == 0) revert DisbursementsEmptyBatch();
        uint256 max = open.mode == PayoutMode.Wallet ? MAX_WALLET_BATCH : MAX_BANK_BATCH;
        if (open.count + size > max) revert DisbursementsBatchTooLarge(open.count + size, max);

        Part memory part = _startPart(batchId, open);
        // reverts with ProgramRegistryNotEnrolled for an unknown beneficiary
        IProgramRegistry.Resolution[] memory resolved = _programs.resolve(part.programId, _beneficiaries(requests));
        uint256[] memory entries = new uint256[](2 * size);
        for (uint256 i; i < size; ++i) {
            uint256 word = _checkEntry(part, requests[i], resolved[i]);
            if (word != 0) {
                // 0: refused, reported
                uint256 at = 2 * part.accepted++;
                entries[at] = word;
                entries[at + 1] = uint256(requests[i].beneficiary);
            }
        }
        _book(open, part, periodLimit);
        uint256 length = 2 * part.accepted;
        assembly ("memory-safe") {
            mstore(entries, length) // shorten the array to the accepted pairs
        }
        emit BatchEntriesAdded(batchId, entries, open.total, open.count, open.contentHash, open.needsFullApproval);
    }

    /// @dev A new part of batch `batchId`, numbered for its transient "seen" bitmap.
    function _startPart(uint256 batchId, Batch storage open) private returns (Part memory part) {
        TransientSlot.Uint256Slot parts = SEEN_SLOT.asUint256();
        part = Part({
            batchId: batchId,
            seen: parts.tload() + 1,
            programId: open.programId,
            period: open.period,
            mode: open.mode,
            hash: open.contentHash,
            total: 0,
            gas: open.gasEstimate,
            accepted: 0
        });
        parts.tstore(part.seen);
    }

    function _beneficiaries(PayoutRequest[] calldata requests) private pure returns (bytes32[] memory ids) {
        uint256 size = requests.length;
        ids = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            ids[i] = requests[i].beneficiary;
        }
    }

    /// @dev Checks one entry, reserves its (period, index) bit and adds it to `part`. Returns its
    /// PayoutWord, or 0 when the beneficiary is refused for eligibility (reported in PayoutRefused).
    function _checkEntry(
        Part memory part,
        PayoutRequest calldata request,
        IProgramRegistry.Resolution memory resolution
    ) private returns (uint256 word) {
        bytes32 beneficiary = request.beneficiary;
        uint256 amount = request.amount;
        if (amount == 0) revert DisbursementsZeroAmount(beneficiary);
        if (amount > type(uint64).max) revert DisbursementsAmountOverflow(beneficiary, amount);
        if (!_markSeen(part.seen, resolution.index)) revert DisbursementsDuplicateBeneficiary(beneficiary);
        uint256 key = (part.period << PERIOD_SHIFT) | resolution.index;
        BitMaps.BitMap storage paid = _paid[part.programId];
        if (paid.get(key)) revert DisbursementsAlreadyPaid(part.programId, part.period, beneficiary);
        if (resolution.refusal != IProgramRegistry.Refusal.None) {
            emit PayoutRefused(part.batchId, beneficiary, resolution.refusal);
            return 0;
        }
        paid.set(key);
        bool wallet = part.mode == PayoutMode.Wallet;
        word = PayoutWord.encode(resolution.index, uint64(amount), wallet ? resolution.account : address(0));
        part.hash = PayoutWord.chain(PayoutWord.chain(part.hash, word), uint256(beneficiary));
        part.total += amount;
        if (wallet) {
            // Only a gas estimate depends on this equality (a zero balance costs a zero-to-non-zero
            // write); no funds or permissions do, and a holder gains nothing by emptying a balance.
            // slither-disable-next-line incorrect-equality
            part.gas += _token.balanceOf(resolution.account) == 0 ? FRESH_PAYOUT_GAS : EXISTING_PAYOUT_GAS;
        }
    }

    /// @dev Books an accepted part: funds reserved, period total, batch figures.
    function _book(Batch storage open, Part memory part, uint256 periodLimit) private {
        if (part.accepted == 0) revert DisbursementsNoEligibleBeneficiary(part.programId, part.period);
        if (part.gas > WALLET_GAS_BUDGET) revert DisbursementsBatchGasTooHigh(part.gas, WALLET_GAS_BUDGET);
        uint256 free = available(part.programId);
        if (part.total > free) revert DisbursementsInsufficientFunds(part.programId, part.total, free);

        uint256 periodSum = _periodTotals[part.programId][part.period] + part.total;
        _periodTotals[part.programId][part.period] = periodSum;
        _accounts[part.programId].reserved += uint64(part.total);
        open.contentHash = part.hash;
        open.count += uint32(part.accepted);
        open.total += uint64(part.total);
        open.gasEstimate = uint32(part.gas);
        if (periodSum > periodLimit) open.needsFullApproval = true;
    }

    /// @dev Marks enrollment `index` as seen in batch part number `seen` of this transaction; false if it already was.
    function _markSeen(uint256 seen, uint32 index) private returns (bool) {
        TransientSlot.Uint256Slot slot = SEEN_SLOT.deriveMapping(seen).deriveMapping(uint256(index >> 8)).asUint256();
        uint256 bits = slot.tload();
        uint256 mask = 1 << (index & 0xff);
        if (bits & mask != 0) return false;
        slot.tstore(bits | mask);
        return true;
    }

    /// @dev The approved batch `batchId` of `mode` whose content hashes to `hash`, if the caller may execute it.
    function _approvedBatch(uint256 batchId, PayoutMode mode, bytes32 hash) private view returns (Batch storage approved) {
        approved = _batches[batchId];
        BatchStatus status = approved.status;
        if (status != BatchStatus.Approved) revert DisbursementsBatchNotApproved(batchId, status);
        if (approved.mode != mode) revert DisbursementsWrongMode(batchId, approved.mode);
        _checkNotExpired(batchId, approved);
        _checkContent(batchId, approved, hash);
        uint256 programId = approved.programId;
        _checkDepartment(programId);
        if (_executorSeparation || _accounts[programId].separateExecutor) {
            if (
                msg.sender == approved.proposer || msg.sender == _departmentApprovers[batchId]
                    || _financeApproved[batchId][msg.sender]
            ) revert DisbursementsExecutorNotSeparate(batchId, msg.sender);
        }
    }

    /// @dev Withholds one entry at execution: releases its (period, index) reservation so that it can be
    /// proposed again to the current account, marks the payout as withheld. Returns its amount.
    function _withhold(uint256 batchId, Batch storage approved, bytes32 beneficiary, uint256 word, address current)
        private
        returns (uint64 amount)
    {
        amount = PayoutWord.amount(word);
        uint32 index = PayoutWord.index(word);
        _paid[approved.programId].unset((uint256(approved.period) << PERIOD_SHIFT) | index);
        _payouts[batchId][beneficiary].withheld = true;
        emit PayoutWithheld(batchId, beneficiary, index, amount, PayoutWord.account(word), current);
    }

    /// @dev Books executed batch `batchId` as paid but for `withheld` fen. Returns the fen paid.
    function _bookExecution(uint256 batchId, Batch storage approved, uint256 withheld) private returns (uint64 paid) {
        approved.status = BatchStatus.Executed;
        uint64 total = approved.total;
        paid = total - uint64(withheld);
        uint256 programId = approved.programId;
        ProgramAccount storage account = _accounts[programId];
        account.reserved -= total;
        account.disbursed += paid;
        _lines[account.lineId].disbursed += paid;
        if (withheld != 0) {
            _batchFunds[batchId].withheld = uint64(withheld);
            _periodTotals[programId][approved.period] -= withheld;
        }
        emit BatchExecuted(batchId, programId, approved.period, approved.mode, paid, approved.count);
    }

    /// @dev Books a refund of `amount` fen of `beneficiary`'s payout of `paidAmount` in executed batch
    /// `batchId` (a confirmed bank refund passes uint64 max: its amount was checked when requested).
    function _recordRefund(
        uint256 batchId,
        Batch storage paidBatch,
        bytes32 beneficiary,
        uint64 paidAmount,
        uint256 amount,
        bytes32 reasonHash
    ) private {
        if (amount == 0) revert DisbursementsZeroAmount(beneficiary);
        PayoutState storage state = _payouts[batchId][beneficiary];
        if (state.withheld) revert DisbursementsPayoutWithheld(batchId, beneficiary);
        uint256 refundable = uint256(paidAmount) - state.refunded - state.pending;
        if (amount > refundable) revert DisbursementsRefundExceedsPayout(batchId, beneficiary, amount, refundable);
        BatchFunds storage funds = _batchFunds[batchId];
        uint256 batchRefundable = uint256(paidBatch.total) - funds.withheld - funds.refunded;
        if (amount > batchRefundable) revert DisbursementsRefundExceedsBatch(batchId, amount, batchRefundable);

        state.refunded += uint64(amount);
        funds.refunded += uint64(amount);
        uint256 programId = paidBatch.programId;
        ProgramAccount storage account = _accounts[programId];
        account.refunded += uint64(amount);
        _lines[account.lineId].refunded += uint64(amount);
        emit PayoutRefunded(batchId, beneficiary, programId, uint64(amount), reasonHash);
    }

    /// @dev Pending bank refund `refundId`.
    function _pendingRefund(uint256 refundId) private view returns (BankRefund storage request) {
        request = _bankRefunds[refundId];
        RefundStatus status = request.status;
        if (status == RefundStatus.None) revert DisbursementsUnknownRefund(refundId);
        if (status != RefundStatus.Pending) revert DisbursementsRefundNotPending(refundId, status);
    }

    /// @dev Whether the caller may confirm or refuse a bank refund of program `programId`: a partner
    /// bank, or an approver who is an officer of the running department.
    function _mayConfirm(uint256 programId) private view returns (bool) {
        if (hasRole(BANK_ROLE, msg.sender)) return true;
        return hasRole(APPROVER_ROLE, msg.sender)
            && _departments.activeDepartmentOf(msg.sender) == _accounts[programId].department;
    }

    function _executedBatch(uint256 batchId, PayoutMode mode) private view returns (Batch storage found) {
        found = _batches[batchId];
        if (found.status != BatchStatus.Executed) revert DisbursementsBatchNotExecuted(batchId, found.status);
        if (found.mode != mode) revert DisbursementsWrongMode(batchId, found.mode);
    }

    function _checkContent(uint256 batchId, Batch storage known, bytes32 hash) private view {
        bytes32 expected = known.contentHash;
        if (hash != expected) revert DisbursementsContentMismatch(batchId, expected, hash);
    }

    function _checkNotExpired(uint256 batchId, Batch storage known) private view {
        uint256 expiresAt = uint256(known.proposedAt) + BATCH_VALIDITY;
        if (block.timestamp > expiresAt) revert DisbursementsBatchExpired(batchId, expiresAt);
    }

    /// @dev The caller must be an officer of the program's running department.
    function _checkDepartment(uint256 programId) private view {
        if (_departments.activeDepartmentOf(msg.sender) != _accounts[programId].department) {
            revert DisbursementsWrongDepartment(programId, msg.sender);
        }
    }

    /// @dev OpenZeppelin MerkleProof of the payout's leaf against the batch's root (computed at execution).
    function _verifyBank(
        uint256 batchId,
        bytes32 beneficiary,
        uint64 amount,
        bytes32 settlementRef,
        bytes32[] calldata proof
    ) private view returns (bool) {
        bytes32 root = _roots[batchId];
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, _leaf(batchId, beneficiary, amount, settlementRef));
    }

    /// @dev The leaf of one bank-settled payout: keccak256(keccak256(abi.encode(batchId, beneficiary,
    /// amount, settlementRef))), OpenZeppelin's standard leaf; the off-chain twin is govchain.domain.payout_leaf.
    function _leaf(uint256 batchId, bytes32 beneficiary, uint64 amount, bytes32 settlementRef)
        private
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(batchId, beneficiary, amount, settlementRef))));
    }

    /// @dev Root of the Merkle tree over the first `count` of `nodes` (overwritten), built as
    /// govchain.domain.MerkleTree builds it: pairs hashed in sorted order (OpenZeppelin's commutative
    /// hash, so MerkleProof verifies its proofs), an odd last node carried up unchanged.
    function _merkleRoot(bytes32[] memory nodes, uint256 count) private pure returns (bytes32) {
        while (count > 1) {
            uint256 next = 0;
            for (uint256 i; i < count; i += 2) {
                nodes[next++] = i + 1 < count ? Hashes.commutativeKeccak256(nodes[i], nodes[i + 1]) : nodes[i];
            }
            count = next;
        }
        return nodes[0];
    }
}
